import type { RoutingConfig } from '@app/config';
import type { ChatChunk, ChatRequest, ChatResponse } from '../core/chat.types';
import { saneUsage } from '../core/usage';
import { emptyStreamError } from './attempt-errors';
import { type RouterClock, systemClock } from './clock';
import type { CapacityLimiter, CircuitBreaker, HealthRecorder } from './deployment-gates';
import type { ModelCatalog, ResolvedRoute } from './model-catalog';
import { RetryBudget } from './retry-budget';
import { RetryPolicy } from './retry-policy';
import {
  type AttemptKind,
  type AttemptWin,
  type RoutePlan,
  RouteExecution,
  type RouterRuntime,
} from './route-execution';
import { closeQuietly, RoutedChunkStream, type StreamEnd } from './routed-chunk-stream';
import { DeploymentNotFoundError, ModelNotFoundError } from './router-errors';
import { RouterListeners } from './router-listeners';
import type { RoutedResponse, RoutedStream, RouteOptions, RouterListener } from './router.types';
import type { StrategyRegistry } from './strategies/candidate-strategy';
import { createStrategyRegistry } from './strategies/strategy-registry';

export interface LlmRouterDependencies {
  catalog: ModelCatalog;
  routing: Pick<RoutingConfig, 'retry' | 'requestTimeoutMs'>;
  breaker: CircuitBreaker;
  capacity: CapacityLimiter;
  health: HealthRecorder;
  /** defaults: the six built-in strategies */
  strategies?: StrategyRegistry;
  /** defaults: from routing.retry */
  retryPolicy?: RetryPolicy;
  retryBudget?: RetryBudget;
  clock?: RouterClock;
  random?: () => number;
}

interface StreamStart {
  first: ChatChunk;
  iterator: AsyncIterator<ChatChunk>;
}

const RESPONSE_ATTEMPT: AttemptKind<ChatResponse> = {
  start: (provider, request, signal) => provider.generate(request, signal),
};

/** Fallback is possible until the first chunk exists, so an attempt lasts until then. */
const STREAM_ATTEMPT: AttemptKind<StreamStart> = {
  async start(provider, request, signal) {
    const iterator = provider.stream(request, signal)[Symbol.asyncIterator]();
    const first = await iterator.next();
    if (first.done) throw emptyStreamError(provider);
    return { first: first.value, iterator };
  },
  discard: (start) => closeQuietly(start.iterator),
};

/**
 * Picks a deployment for the requested model or group, calls it, retries and falls back so the caller
 * gets an answer whenever any candidate can serve. See RouteExecution for the attempt rules.
 */
export class LlmRouter {
  private readonly catalog: ModelCatalog;
  private readonly strategies: StrategyRegistry;
  private readonly runtime: RouterRuntime;
  private readonly listeners = new RouterListeners();

  constructor(dependencies: LlmRouterDependencies) {
    const { catalog, routing, breaker, capacity, health, random = Math.random } = dependencies;
    const clock = dependencies.clock ?? systemClock;
    this.catalog = catalog;
    this.strategies = dependencies.strategies ?? createStrategyRegistry({ health, random });
    this.runtime = {
      routing,
      breaker,
      capacity,
      health,
      clock,
      retryPolicy: dependencies.retryPolicy ?? new RetryPolicy(routing.retry, random),
      budget: dependencies.retryBudget ?? new RetryBudget(routing.retry, clock),
      listeners: this.listeners,
    };
  }

  /** Subscribe to attempt and request events (analytics); returns the unsubscribe function. */
  addListener(listener: RouterListener): () => void {
    return this.listeners.add(listener);
  }

  resolve(model: string): ResolvedRoute | undefined {
    return this.catalog.resolve(model);
  }

  /**
   * @throws ModelNotFoundError, DeploymentNotFoundError (pin), ProviderError (non-retryable vendor
   *         error as is, or `aborted` when the caller's signal fired), DeadlineExceededError,
   *         NoDeploymentAvailableError (429 or 503)
   */
  async generate(request: ChatRequest, options: RouteOptions = {}): Promise<RoutedResponse> {
    const execution = new RouteExecution(this.runtime, this.plan(request.model, options), request, options);
    try {
      const win = await execution.run(RESPONSE_ATTEMPT);
      const usage = saneUsage(win.value.usage);
      if (usage !== win.value.usage) win.value.usage = usage;
      execution.completeResponse(win);
      execution.finish('ok', { win, usage }, false);
      return { ...this.metadata(execution, win), response: win.value };
    } catch (error) {
      execution.finish('error', { error: error as Error }, false);
      throw error;
    } finally {
      execution.scope.dispose();
    }
  }

  /**
   * Resolves once the first chunk has arrived (fallback is over then); later failures come out of
   * `chunks`. Throws like `generate` before that.
   */
  async stream(request: ChatRequest, options: RouteOptions = {}): Promise<RoutedStream> {
    const execution = new RouteExecution(this.runtime, this.plan(request.model, options), request, options);
    let win: AttemptWin<StreamStart>;
    try {
      win = await execution.run(STREAM_ATTEMPT);
    } catch (error) {
      execution.finish('error', { error: error as Error }, true);
      execution.scope.dispose();
      throw error;
    }
    const ttftMs = this.runtime.clock.now() - win.startedAt;
    execution.scope.stopDeadline();
    win.attempt.refreshTimeout(); // from here on, the deployment's timeout is an idle timeout
    const record = execution.record(win.candidate, true, ttftMs, undefined, ttftMs);
    const chunks = new RoutedChunkStream(
      win.value.first,
      win.value.iterator,
      win.attempt,
      win.candidate,
      (end) => this.endStream(execution, win, record, ttftMs, end),
    );
    return { ...this.metadata(execution, win), firstChunk: win.value.first, ttftMs, chunks };
  }

  private endStream(
    execution: RouteExecution,
    win: AttemptWin<StreamStart>,
    record: RoutedStream['attempts'][number],
    ttftMs: number,
    end: StreamEnd,
  ): void {
    const { health, capacity, clock, listeners } = this.runtime;
    const deploymentId = win.candidate.deployment.id;
    if (end.error) {
      execution.bookFailure(win.candidate, end.error, undefined, win.startedAt, undefined, record);
    } else {
      record.latencyMs = clock.now() - win.startedAt;
      health.attemptFinished(deploymentId, { ok: true, latencyMs: record.latencyMs, ttftMs });
      listeners.attempt(record, execution.requestedModel);
    }
    if (win.reservation && end.usage) capacity.settle(win.reservation, end.usage.total_tokens);
    const outcome = end.error ? 'error' : end.closedByConsumer ? 'cancelled' : 'ok';
    execution.finish(outcome, { win, error: end.error, usage: end.usage, ttftMs }, true);
    execution.scope.dispose();
  }

  private plan(model: string, options: RouteOptions): RoutePlan {
    const route = this.catalog.resolve(model);
    if (!route) throw new ModelNotFoundError(model);
    const pinned = options.deploymentId;
    if (pinned !== undefined) {
      const candidates = route.candidates.filter((c) => c.deployment.id === pinned);
      if (candidates.length === 0)
        throw new DeploymentNotFoundError(pinned, model, this.catalog.deployment(pinned) !== undefined);
      return { route, candidates, count: options.fallback === false ? 1 : candidates.length };
    }
    const candidates = this.strategies[route.strategy].order(route);
    return { route, candidates, count: options.fallback === false ? 1 : candidates.length };
  }

  private metadata(execution: RouteExecution, win: AttemptWin<unknown>): Omit<RoutedResponse, 'response'> {
    const candidate = win.candidate;
    return {
      deploymentId: candidate.deployment.id,
      provider: candidate.deployment.type,
      model: candidate.modelConfig.name,
      requestedModel: execution.requestedModel,
      vendorModel: candidate.vendorModel,
      attempts: execution.attempts,
    };
  }
}
