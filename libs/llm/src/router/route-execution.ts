import type { RoutingConfig } from '@app/config';
import type { ChatRequest, ChatResponse, Usage } from '../core/chat.types';
import type { LlmProvider } from '../core/provider';
import type { ProviderError } from '../core/provider-error';
import { AttemptScope, RequestScope, untilAborted, type AbortCause } from './abort-scopes';
import { asProviderError, cancellationError, cancelledByUs, vendorDidNoWork } from './attempt-errors';
import type { RouterClock } from './clock';
import type {
  CapacityDecision,
  CapacityLimiter,
  CapacityReservation,
  CircuitBreaker,
  HealthRecorder,
} from './deployment-gates';
import { FailureTally } from './failure-tally';
import type { Candidate, ResolvedRoute } from './model-catalog';
import type { RetryBudget } from './retry-budget';
import type { RetryPolicy } from './retry-policy';
import { DeadlineExceededError, NoDeploymentAvailableError } from './router-errors';
import type { RouterListeners } from './router-listeners';
import type { AttemptRecord, RouteOptions, RouteOutcome } from './router.types';
import { estimateTokens, promptCharacters } from './token-estimate';

/** What every request shares: built once by LlmRouter. */
export interface RouterRuntime {
  readonly routing: Pick<RoutingConfig, 'retry' | 'requestTimeoutMs'>;
  readonly breaker: CircuitBreaker;
  readonly capacity: CapacityLimiter;
  readonly health: HealthRecorder;
  readonly retryPolicy: RetryPolicy;
  readonly budget: RetryBudget;
  readonly clock: RouterClock;
  readonly listeners: RouterListeners;
}

/** Candidates in attempt order; only the first `count` may be tried (1 when fallback is off). */
export interface RoutePlan {
  readonly route: ResolvedRoute;
  readonly candidates: readonly Candidate[];
  readonly count: number;
}

/** How to make one attempt: a whole response, or a stream up to its first chunk. */
export interface AttemptKind<T> {
  start(provider: LlmProvider, request: ChatRequest, signal: AbortSignal): Promise<T>;
  /** cleans up a value that arrived after the attempt was given up */
  discard?(value: T): void;
}

/** The attempt that succeeded; its scope stays open until the caller completes it. */
export interface AttemptWin<T> {
  readonly candidate: Candidate;
  readonly value: T;
  readonly attempt: AttemptScope;
  readonly reservation: CapacityReservation | undefined;
  readonly startedAt: number;
}

const SKIP = Symbol('skip');

/**
 * One request's walk through its candidates: gates (breaker, capacity), attempts with per-attempt
 * signals, retries of the same deployment (backoff, Retry-After, retry budget), fallback to the next.
 *
 * Bound on attempts: one deployment gets at most min(retry.maxAttempts, 1 + deployment.maxRetries)
 * attempts per request, so a request makes at most retry.maxAttempts × candidates attempts in all.
 *
 * Stops at once, without retrying, on the caller's abort (ProviderError `aborted`), the deadline
 * (DeadlineExceededError) and any non-retryable error (the vendor's ProviderError, unchanged).
 */
export class RouteExecution {
  readonly attempts: AttemptRecord[] = [];
  readonly scope: RequestScope;
  readonly startedAt: number;
  private readonly tally = new FailureTally();
  private promptChars = -1;

  constructor(
    private readonly runtime: RouterRuntime,
    private readonly plan: RoutePlan,
    private readonly request: ChatRequest,
    options: RouteOptions,
  ) {
    this.startedAt = runtime.clock.now();
    this.scope = new RequestScope(
      runtime.clock,
      options.timeoutMs ?? runtime.routing.requestTimeoutMs,
      options.signal,
    );
  }

  get requestedModel(): string {
    return this.plan.route.name;
  }

  async run<T>(kind: AttemptKind<T>): Promise<AttemptWin<T>> {
    const { breaker, budget, health, clock } = this.runtime;
    budget.recordRequest();
    for (let index = 0; index < this.plan.count; index++) {
      const candidate = this.plan.candidates[index];
      const deploymentId = candidate.deployment.id;
      const attemptsAllowed = Math.min(
        this.runtime.routing.retry.maxAttempts,
        1 + candidate.deployment.maxRetries,
      );
      let vendorRequest: ChatRequest | undefined;
      for (let retry = 0; retry < attemptsAllowed; retry++) {
        this.throwIfStopped(candidate);
        const reservation = await this.admit(candidate);
        if (reservation === SKIP) break;
        if (retry === 0 && this.attempts.length > 0) budget.recordFallback();
        vendorRequest ??= { ...this.request, model: candidate.vendorModel };
        const attempt = new AttemptScope(clock, this.scope, candidate.deployment.timeoutMs);
        const startedAt = clock.now();
        health.attemptStarted(deploymentId);
        try {
          const value = await untilAborted(
            kind.start(candidate.provider, vendorRequest, attempt.signal),
            attempt.signal,
            kind.discard,
          );
          breaker.onSuccess(deploymentId);
          return { candidate, value, attempt, reservation, startedAt };
        } catch (thrown) {
          attempt.dispose();
          const cause = attempt.cause;
          const error = cause
            ? cancellationError(cause, candidate, this.scope.timeoutMs, false)
            : asProviderError(thrown, candidate);
          this.bookFailure(candidate, error, cause, startedAt, reservation);
          if (cause === 'caller' || cause === 'deadline') throw this.stopError(cause, candidate);
          if (!error.retryable) throw withAttempts(error, this.attempts);
          this.tally.failed(error);
          if (!(await this.mayRetry(candidate, retry, attemptsAllowed, error))) break;
        }
      }
    }
    this.throwIfStopped(this.plan.candidates[0]);
    throw this.noDeploymentError();
  }

  /** Books the attempt a response came from. */
  completeResponse(win: AttemptWin<ChatResponse>): AttemptRecord {
    const latencyMs = this.runtime.clock.now() - win.startedAt;
    win.attempt.dispose();
    this.runtime.health.attemptFinished(win.candidate.deployment.id, { ok: true, latencyMs });
    if (win.reservation) this.runtime.capacity.settle(win.reservation, win.value.usage.total_tokens);
    const record = this.record(win.candidate, true, latencyMs);
    this.runtime.listeners.attempt(record, this.requestedModel);
    return record;
  }

  /** Books a failed attempt with health, breaker, capacity and listeners. */
  bookFailure(
    candidate: Candidate,
    error: ProviderError,
    cause: AbortCause | undefined,
    startedAt: number,
    reservation: CapacityReservation | undefined,
    record?: AttemptRecord,
  ): void {
    const { health, breaker, capacity, clock } = this.runtime;
    const deploymentId = candidate.deployment.id;
    const latencyMs = clock.now() - startedAt;
    // the deadline is the caller's budget running out: not the deployment's fault
    const blame = cause === 'deadline' ? cancelledByUs(candidate) : error;
    health.attemptFinished(deploymentId, { ok: false, latencyMs, error: blame });
    breaker.onFailure(deploymentId, blame);
    if (reservation && vendorDidNoWork(error)) capacity.settle(reservation, 0);
    if (record) {
      record.ok = false;
      record.errorCode = error.code;
      record.status = error.status;
      record.latencyMs = latencyMs;
    } else {
      record = this.record(candidate, false, latencyMs, error);
    }
    this.runtime.listeners.attempt(record, this.requestedModel);
  }

  /** Appends the record of an attempt (mutable until the attempt ends, for streams). */
  record(
    candidate: Candidate,
    ok: boolean,
    latencyMs: number,
    error?: ProviderError,
    ttftMs?: number,
  ): AttemptRecord {
    const record: AttemptRecord = {
      deploymentId: candidate.deployment.id,
      provider: candidate.deployment.type,
      vendorModel: candidate.vendorModel,
      ok,
      latencyMs,
    };
    if (error) {
      record.errorCode = error.code;
      record.status = error.status;
    }
    if (ttftMs !== undefined) record.ttftMs = ttftMs;
    this.attempts.push(record);
    return record;
  }

  /** Tells listeners the request is over. */
  finish(
    outcome: RouteOutcome,
    details: { win?: AttemptWin<unknown>; error?: Error; usage?: Usage; ttftMs?: number },
    stream: boolean,
  ): void {
    const listeners = this.runtime.listeners;
    if (!listeners.active) return;
    const candidate = details.win?.candidate;
    listeners.finished({
      requestedModel: this.requestedModel,
      stream,
      outcome,
      deploymentId: candidate?.deployment.id,
      provider: candidate?.deployment.type,
      model: candidate?.modelConfig.name,
      vendorModel: candidate?.vendorModel,
      attempts: this.attempts,
      usage: details.usage,
      error: details.error,
      durationMs: this.runtime.clock.now() - this.startedAt,
      ttftMs: details.ttftMs,
    });
  }

  /** Breaker and capacity gates; SKIP when the candidate cannot be tried now. */
  private async admit(candidate: Candidate): Promise<CapacityReservation | undefined | typeof SKIP> {
    const { breaker, capacity } = this.runtime;
    const deployment = candidate.deployment;
    if (breaker.state(deployment.id) === 'open') {
      this.tally.breakerSkipped();
      return SKIP;
    }
    let reservation: CapacityReservation | undefined;
    // a deployment without limits costs no reservation, not even an await
    if (deployment.rpm > 0 || deployment.tpm > 0) {
      const decision = await this.reserve(candidate);
      if (decision && !decision.ok) {
        this.tally.capacitySkipped(decision.retryAfterMs);
        return SKIP;
      }
      reservation = decision?.reservation;
      if (this.scope.signal.aborted) {
        if (reservation) capacity.settle(reservation, 0);
        this.throwIfStopped(candidate);
      }
    }
    if (!breaker.tryAcquire(deployment.id)) {
      if (reservation) capacity.settle(reservation, 0);
      this.tally.breakerSkipped();
      return SKIP;
    }
    return reservation;
  }

  /** undefined when the limiter itself failed: serving beats refusing while the shared store is down. */
  private async reserve(candidate: Candidate): Promise<CapacityDecision | undefined> {
    if (this.promptChars < 0) this.promptChars = promptCharacters(this.request.messages);
    const tokens = estimateTokens(
      this.promptChars,
      this.request.max_tokens,
      candidate.modelConfig.maxOutputTokens,
    );
    try {
      return await this.runtime.capacity.reserve(candidate.deployment, tokens);
    } catch {
      return undefined;
    }
  }

  /** Waits out the backoff and returns true when the same deployment may be tried again. */
  private async mayRetry(
    candidate: Candidate,
    retry: number,
    attemptsAllowed: number,
    error: ProviderError,
  ): Promise<boolean> {
    const { breaker, retryPolicy, budget, clock } = this.runtime;
    if (retry + 1 >= attemptsAllowed) return false;
    if (breaker.state(candidate.deployment.id) === 'open') return false;
    const delayMs = retryPolicy.retryDelayMs(retry, error, this.scope.remainingMs());
    if (delayMs === undefined || !budget.tryAcquireRetry()) return false;
    if (delayMs > 0) await clock.sleep(delayMs, this.scope.signal);
    return true;
  }

  private throwIfStopped(candidate: Candidate): void {
    const cause = this.scope.cause;
    if (cause) throw this.stopError(cause, candidate);
    if (this.scope.remainingMs() <= 0) throw this.stopError('deadline', candidate);
  }

  private stopError(cause: AbortCause, candidate: Candidate): Error {
    if (cause === 'deadline')
      return new DeadlineExceededError(this.requestedModel, this.scope.timeoutMs, this.attempts);
    return cancellationError(cause, candidate, this.scope.timeoutMs, false);
  }

  private noDeploymentError(): NoDeploymentAvailableError {
    const rateLimited = this.tally.onlyRateLimited;
    return new NoDeploymentAvailableError({
      model: this.requestedModel,
      rateLimited,
      retryAfterMs: rateLimited ? this.tally.retryAfterMs : this.shortestCooldownMs(),
      attempts: this.attempts,
      lastError: this.tally.lastError,
      summary: this.tally.summary(),
    });
  }

  private shortestCooldownMs(): number | undefined {
    let shortest: number | undefined;
    for (let index = 0; index < this.plan.count; index++) {
      const remaining = this.runtime.breaker.remainingCooldownMs(this.plan.candidates[index].deployment.id);
      if (remaining > 0 && (shortest === undefined || remaining < shortest)) shortest = remaining;
    }
    return shortest;
  }
}

/** A vendor error that ends the request (400, content filter...) still tells analytics what was tried. */
function withAttempts(error: ProviderError, attempts: readonly AttemptRecord[]): ProviderError {
  (error as ProviderError & { attempts?: readonly AttemptRecord[] }).attempts = attempts;
  return error;
}
