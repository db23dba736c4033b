import { DomainException, ErrorCode } from '@app/common';
import { ModelNotFoundError, type Candidate, type ResolvedRoute, type RouteOptions } from '@app/llm';
import type { RoutingHints } from './chat-context';

/**
 * The deployment a provider pin stands for: the highest-priority deployment of that vendor type serving
 * the model (the router takes one pinned deployment, so a provider pin has no fallback of its own).
 */
function deploymentForProvider(route: ResolvedRoute, hints: RoutingHints): string | undefined {
  if (!hints.provider) return hints.deploymentId;
  const served = route.candidates.filter(
    (c) =>
      c.deployment.type === hints.provider &&
      (hints.deploymentId === undefined || c.deployment.id === hints.deploymentId),
  );
  if (served.length === 0) {
    throw new DomainException({
      status: 404,
      code: ErrorCode.DeploymentNotFound,
      message: hints.deploymentId
        ? `deployment "${hints.deploymentId}" is not a ${hints.provider} deployment serving model "${route.name}"`
        : `no enabled ${hints.provider} deployment serves model "${route.name}"`,
    });
  }
  const first = served.reduce((best, c) => (c.deployment.priority < best.deployment.priority ? c : best));
  return first.deployment.id;
}

/**
 * The largest max_tokens passed on when no deployment configures a limit (the vendor judges below it):
 * a 32-bit integer, what vendor APIs take. Numbers like 1e308 or 2^53 + 2 are no token count; they would
 * only cost a vendor round-trip and skew capacity estimates.
 */
export const MAX_TOKENS_CEILING = 2_147_483_647;

/**
 * The most output tokens any candidate accepts; undefined when one of them has no configured limit
 * (then the vendor is the judge).
 */
function outputLimit(candidates: readonly Candidate[]): number | undefined {
  let limit = 0;
  for (const candidate of candidates) {
    const max = candidate.modelConfig.maxOutputTokens;
    if (max === undefined) return undefined;
    limit = Math.max(limit, max);
  }
  return limit || undefined;
}

function assertWithinOutputLimit(
  route: ResolvedRoute,
  deploymentId: string | undefined,
  maxTokens: number | undefined,
): void {
  if (maxTokens === undefined) return;
  const candidates =
    deploymentId === undefined
      ? route.candidates
      : route.candidates.filter((c) => c.deployment.id === deploymentId);
  const limit = outputLimit(candidates);
  if (maxTokens <= (limit ?? MAX_TOKENS_CEILING)) return;
  const problem =
    limit === undefined
      ? `max_tokens must not be greater than ${MAX_TOKENS_CEILING}`
      : `max_tokens must not be greater than ${limit}, the output limit of model "${route.name}"`;
  throw new DomainException({
    status: 400,
    code: ErrorCode.ValidationFailed,
    message: `Request validation failed: ${problem}`,
    details: [problem],
    param: 'max_tokens',
  });
}

export interface AdmissionInput {
  route: ResolvedRoute | undefined;
  model: string;
  maxTokens: number | undefined;
  hints: RoutingHints | undefined;
  /** routing.requestTimeoutMs: a caller may shorten the deadline, never extend it */
  maxTimeoutMs: number;
  signal: AbortSignal | undefined;
}

export interface Admission {
  route: ResolvedRoute;
  /** the pinned deployment, if the caller pinned one (directly or by provider) */
  deploymentId: string | undefined;
  options: RouteOptions;
}

/**
 * Everything that can be refused before a vendor is called: unknown model (404 model_not_found),
 * provider pin nobody serves (404), max_tokens over the model's limit (400 naming max_tokens).
 */
export function admit(input: AdmissionInput): Admission {
  const { route, hints } = input;
  if (!route) throw new ModelNotFoundError(input.model);
  const deploymentId = hints ? deploymentForProvider(route, hints) : undefined;
  assertWithinOutputLimit(route, deploymentId, input.maxTokens);
  const options: RouteOptions = { signal: input.signal };
  if (deploymentId !== undefined) options.deploymentId = deploymentId;
  if (hints?.fallback === false) options.fallback = false;
  if (hints?.timeoutMs !== undefined) options.timeoutMs = Math.min(hints.timeoutMs, input.maxTimeoutMs);
  return { route, deploymentId, options };
}
