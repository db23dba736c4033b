import type { ProviderError } from '../core/provider-error';
import type { AttemptRecord } from './router.types';

export type RouterErrorCode =
  | 'model_not_found'
  | 'deployment_not_found'
  | 'rate_limited'
  | 'no_deployment_available'
  | 'deadline_exceeded';

/** Errors the router raises itself (the vendors' own errors stay ProviderError). */
export abstract class RouterError extends Error {
  abstract readonly code: RouterErrorCode;
  abstract readonly status: number;
  readonly attempts: readonly AttemptRecord[];

  protected constructor(message: string, attempts: readonly AttemptRecord[] = [], cause?: unknown) {
    super(message, { cause });
    this.name = new.target.name;
    this.attempts = attempts;
  }
}

export class ModelNotFoundError extends RouterError {
  readonly code = 'model_not_found';
  readonly status = 404;

  constructor(readonly model: string) {
    super(`model "${model}" does not exist or is not served by any enabled deployment`);
  }
}

/** The pinned deployment is unknown, disabled, or does not serve the requested model. */
export class DeploymentNotFoundError extends RouterError {
  readonly code = 'deployment_not_found';
  readonly status = 404;

  constructor(
    readonly deploymentId: string,
    readonly model: string,
    deploymentExists: boolean,
  ) {
    super(
      deploymentExists
        ? `deployment "${deploymentId}" does not serve model "${model}"`
        : `deployment "${deploymentId}" does not exist or is disabled`,
    );
  }
}

/**
 * Nothing could serve the request. 429 when every candidate was refused for capacity or answered 429
 * (retryAfterMs = the soonest any of them frees up); otherwise 503 (retryAfterMs = the shortest breaker
 * cooldown left, when a breaker is open).
 */
export class NoDeploymentAvailableError extends RouterError {
  readonly code: 'rate_limited' | 'no_deployment_available';
  readonly status: 429 | 503;
  readonly retryAfterMs?: number;
  readonly lastErrorMessage?: string;
  /** The message without the vendor's words (for callers: a vendor's text may carry hosts, org ids, HTML). */
  readonly callerMessage: string;

  constructor(init: {
    model: string;
    rateLimited: boolean;
    retryAfterMs?: number;
    attempts: readonly AttemptRecord[];
    lastError?: ProviderError;
    summary: string;
  }) {
    const last = init.lastError ? `; last error: ${init.lastError.message}` : '';
    const callerMessage = `no deployment could serve model "${init.model}" (${init.summary})`;
    super(`${callerMessage}${last}`, init.attempts, init.lastError);
    this.callerMessage = callerMessage;
    this.code = init.rateLimited ? 'rate_limited' : 'no_deployment_available';
    this.status = init.rateLimited ? 429 : 503;
    this.retryAfterMs = init.retryAfterMs;
    this.lastErrorMessage = init.lastError?.message;
  }
}

/** The request's overall deadline (RouteOptions.timeoutMs or routing.requestTimeoutMs) passed. */
export class DeadlineExceededError extends RouterError {
  readonly code = 'deadline_exceeded';
  readonly status = 504;

  constructor(
    readonly model: string,
    readonly timeoutMs: number,
    attempts: readonly AttemptRecord[],
  ) {
    super(`model "${model}" did not answer within the request deadline of ${timeoutMs} ms`, attempts);
  }
}
