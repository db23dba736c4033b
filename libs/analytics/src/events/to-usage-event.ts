import type { PriceTable } from '../pricing/price-table';
import type { AttemptSource, RequestUsageSource } from './request-usage-source';
import { ABORTED_STATUS, type UsageAttempt, type UsageEvent, type UsageKind } from './usage-event';

export interface UsageMappingContext {
  id: string;
  /** Epoch ms the request finished. */
  occurredAt: number;
  /** Work done by a worker is a task, whatever its shape. */
  origin: 'api' | 'worker';
  prices: PriceTable;
  /** The public model a deployment serves under a vendor model id (from the model catalog). */
  publicModel?(deploymentId: string, vendorModel: string): string | undefined;
  /** Told when a request that reached a vendor has no price (cost recorded as 0). */
  onUnpriced?(model: string): void;
}

const DEFAULT_ROUTE: Record<UsageMappingContext['origin'], string> = { api: 'chat', worker: 'task' };

/** Maps a finished request to its usage event; pure, so the request path only pays for an object. */
export function toUsageEvent(source: RequestUsageSource, context: UsageMappingContext): UsageEvent {
  const attempts = source.attempts.map((a) => toUsageAttempt(a, context));
  const cacheHit = source.cache === 'hit';
  const promptTokens = source.usage?.prompt_tokens ?? 0;
  const completionTokens = source.usage?.completion_tokens ?? 0;
  return {
    id: context.id,
    occurredAt: context.occurredAt,
    requestId: source.requestId ?? null,
    kind: kindOf(source, context.origin),
    userId: source.callerId ?? null,
    apiKeyId: source.apiKeyId ?? null,
    route: source.route ?? DEFAULT_ROUTE[context.origin],
    modelGroup: source.requestedModel,
    provider: source.provider ?? null,
    deploymentId: source.deploymentId ?? null,
    model: source.model ?? null,
    outcome: source.outcome,
    status: statusOf(source),
    errorCode: source.error?.code ?? (source.outcome === 'aborted' ? 'aborted' : null),
    promptTokens,
    completionTokens,
    costUsd: cacheHit ? 0 : costOf(source, attempts, promptTokens, completionTokens, context),
    latencyMs: Math.round(source.durationMs),
    ttftMs: source.ttftMs === undefined ? null : Math.round(source.ttftMs),
    attempts,
    fallbacks: countFallbacks(attempts),
    cacheHit,
    streamAborted: source.stream && source.outcome === 'aborted',
  };
}

/** Moves to another deployment between consecutive attempts (retries on the same one do not count). */
export function countFallbacks(attempts: readonly { deploymentId: string }[]): number {
  let fallbacks = 0;
  for (let i = 1; i < attempts.length; i++) {
    if (attempts[i].deploymentId !== attempts[i - 1].deploymentId) fallbacks++;
  }
  return fallbacks;
}

function kindOf(source: RequestUsageSource, origin: UsageMappingContext['origin']): UsageKind {
  if (origin === 'worker') return 'task';
  return source.stream ? 'stream' : 'chat';
}

function statusOf(source: RequestUsageSource): number {
  if (source.outcome === 'ok') return 200;
  if (source.outcome === 'aborted') return ABORTED_STATUS;
  return source.error?.status ?? 500;
}

function toUsageAttempt(attempt: AttemptSource, context: UsageMappingContext): UsageAttempt {
  return {
    deploymentId: attempt.deploymentId,
    provider: attempt.provider,
    model: context.publicModel?.(attempt.deploymentId, attempt.vendorModel) ?? attempt.vendorModel,
    vendorModel: attempt.vendorModel,
    ok: attempt.ok,
    errorCode: attempt.errorCode ?? null,
    status: attempt.status ?? null,
    latencyMs: Math.round(attempt.latencyMs),
    ttftMs: attempt.ttftMs === undefined ? null : Math.round(attempt.ttftMs),
  };
}

function costOf(
  source: RequestUsageSource,
  attempts: readonly UsageAttempt[],
  promptTokens: number,
  completionTokens: number,
  context: UsageMappingContext,
): number {
  if (promptTokens === 0 && completionTokens === 0) return 0;
  const served = servingAttempt(source, attempts);
  const model = source.model ?? served?.model;
  const cost = context.prices.cost({
    deploymentId: source.deploymentId ?? served?.deploymentId ?? null,
    models: [model, served?.vendorModel],
    promptTokens,
    completionTokens,
  });
  if (cost === undefined && model) context.onUnpriced?.(model);
  return cost ?? 0;
}

/** The attempt whose tokens were reported: the last one on the serving deployment. */
function servingAttempt(
  source: RequestUsageSource,
  attempts: readonly UsageAttempt[],
): UsageAttempt | undefined {
  for (let i = attempts.length - 1; i >= 0; i--) {
    if (source.deploymentId === undefined || attempts[i].deploymentId === source.deploymentId)
      return attempts[i];
  }
  return undefined;
}
