import { PROVIDER_TYPES, type ProviderType } from '@app/config';
import type { ChatResponse } from '@app/llm';

/** A stored completion and who produced it (reported again on a hit). */
export interface CachedCompletion {
  response: ChatResponse;
  provider: ProviderType;
  deploymentId: string;
  /** the public model that served */
  model: string;
  /** unix ms */
  storedAt: number;
}

export function encodeCachedCompletion(entry: CachedCompletion): string {
  return JSON.stringify(entry);
}

/** undefined for anything that is not an entry this version wrote (a hit must never break a request). */
export function decodeCachedCompletion(text: string): CachedCompletion | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const entry = value as Partial<CachedCompletion>;
  const response = entry.response as Partial<ChatResponse> | undefined;
  const wellFormed =
    PROVIDER_TYPES.includes(entry.provider as ProviderType) &&
    typeof entry.deploymentId === 'string' &&
    typeof entry.model === 'string' &&
    typeof entry.storedAt === 'number' &&
    response !== null &&
    typeof response === 'object' &&
    typeof response.id === 'string' &&
    Array.isArray(response.choices) &&
    response.choices.length > 0 &&
    response.usage !== null &&
    typeof response.usage === 'object';
  return wellFormed ? (entry as CachedCompletion) : undefined;
}
