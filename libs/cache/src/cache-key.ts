import type { ChatRequest } from '@app/llm';
import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** Bump when the entry format or the key recipe changes: old entries then simply stop matching. */
const KEY_VERSION = 1;

/**
 * What decides the answer, and nothing else: `user` (abuse tracking) and transport options (stream,
 * include_usage) are left out, so a JSON and a streamed request share entries.
 */
function outputChangingParams(request: ChatRequest): Record<string, unknown> {
  return {
    temperature: request.temperature,
    top_p: request.top_p,
    max_tokens: request.max_tokens,
    stop: request.stop?.length ? request.stop : undefined,
    tools: request.tools?.length ? request.tools : undefined,
    tool_choice: request.tool_choice,
    response_format: request.response_format,
    seed: request.seed,
  };
}

export interface CacheKeyInput {
  /** Whose cache: entries are never shared across scopes (tenants). */
  scope: string;
  /** The model or group the caller asked for. */
  model: string;
  /** A pinned deployment answers from its own vendor, so it is part of the key. */
  deploymentId?: string;
  request: ChatRequest;
}

/** sha256 (hex) of the canonical form of everything that changes the completion. */
export function responseCacheKey(input: CacheKeyInput): string {
  const canonical = canonicalJson({
    v: KEY_VERSION,
    scope: input.scope,
    model: input.model,
    deployment: input.deploymentId,
    messages: input.request.messages,
    params: outputChangingParams(input.request),
  });
  return createHash('sha256').update(canonical).digest('hex');
}
