import { planCaching, ResponseCache, responseCacheKey, type CachedCompletion } from '@app/cache';
import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import {
  LlmRouter,
  ModelCatalog,
  type ChatRequest,
  type ChatResponse,
  type RoutedMetadata,
  type RoutedResponse,
  type RoutedStream,
  type Usage,
} from '@app/llm';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { ChatContext } from './chat-context';
import { ChatObservers } from './chat-observers';
import { ChatReport, endOfFailure } from './chat-report';
import type { ChatCompletionResult, ChatRouting, ChatStreamResult } from './chat-result';
import { CompletionAssembler } from './completion-assembler';
import { ReplayChunkStream, replayChunks } from './completion-replay';
import { ObservedChunkStream } from './observed-chunk-stream';
import { admit, type Admission } from './route-admission';
import { TOKEN_BUDGET, type TokenBudget } from './token-budget';

/** A request's cache lookup: the key (if caching applies), whether to store, the entry found. */
interface CacheLookup {
  key: string | undefined;
  store: boolean;
  hit: CachedCompletion | undefined;
}

/**
 * The one chat entry point, for the api (JSON and SSE) and the worker alike; nothing HTTP in here.
 * Per request: admission (model, limits, pins) before any I/O; the token budget check and the cache
 * lookup in parallel (one Redis round-trip each); the router; then, off the request path, the cache
 * store, the token charge and the observers.
 */
@Injectable()
export class ChatService {
  private readonly logger = new Logger(ChatService.name);

  constructor(
    private readonly router: LlmRouter,
    private readonly catalog: ModelCatalog,
    private readonly cache: ResponseCache,
    private readonly observers: ChatObservers,
    private readonly config: AppConfig,
    @Inject(TOKEN_BUDGET) private readonly budget: TokenBudget,
  ) {}

  /** For requests that name no model: routing.defaultModel, else the first model served. */
  defaultModel(): string {
    const model = this.config.routing.defaultModel ?? this.catalog.list()[0]?.id;
    if (model === undefined) {
      throw new DomainException({
        status: 400,
        code: ErrorCode.ValidationFailed,
        message: 'Request validation failed: model is required (no model is served by default)',
        details: ['model is required (no model is served by default)'],
        param: 'model',
      });
    }
    return model;
  }

  /**
   * @throws ModelNotFoundError (404), DomainException (400 max_tokens, 404 provider pin, budget), and what
   *         LlmRouter.generate throws (RouterError, ProviderError incl. `aborted` when the signal fired)
   */
  async complete(request: ChatRequest, context: ChatContext): Promise<ChatCompletionResult> {
    const admission = this.admit(request, context);
    const report = new ChatReport(this.observers, context, admission.route.name, false);
    const cached = await this.prepare(request, context, admission, report);
    if (cached.hit) {
      const routing = cachedRouting(cached.hit, admission);
      report.send({ outcome: 'ok', usage: cached.hit.response.usage }, routing);
      return { response: cached.hit.response, routing, cache: 'hit' };
    }
    let routed: RoutedResponse;
    try {
      routed = await this.router.generate(request, admission.options);
    } catch (error) {
      this.failed(report, context, admission, error);
      throw error;
    }
    const routing = routingOf(routed);
    const response: ChatResponse = { ...routed.response, model: routed.model };
    if (cached.store && cached.key) this.cache.store(cached.key, entryFor(response, routing));
    this.charge(context, response.usage);
    report.send({ outcome: 'ok', usage: response.usage }, routing);
    return { response, routing, cache: report.cache };
  }

  /**
   * Resolves once the first chunk exists (fallback is over), or at once on a cache hit (the stored
   * completion replayed as chunks). Throws like `complete` before that.
   */
  async stream(request: ChatRequest, context: ChatContext): Promise<ChatStreamResult> {
    const admission = this.admit(request, context);
    const report = new ChatReport(this.observers, context, admission.route.name, true);
    const cached = await this.prepare(request, context, admission, report);
    if (cached.hit) {
      const routing = cachedRouting(cached.hit, admission);
      report.send({ outcome: 'ok', usage: cached.hit.response.usage }, routing, report.elapsedMs());
      return { routing, cache: 'hit', chunks: new ReplayChunkStream(replayChunks(cached.hit.response)) };
    }
    let routed: RoutedStream;
    try {
      routed = await this.router.stream(request, admission.options);
    } catch (error) {
      this.failed(report, context, admission, error);
      throw error;
    }
    const ttftMs = report.elapsedMs();
    const routing = routingOf(routed);
    const assembler = cached.store && cached.key ? new CompletionAssembler(routed.model) : undefined;
    const chunks = new ObservedChunkStream(
      routed.chunks,
      assembler && ((chunk) => assembler.add(chunk)),
      (end) => {
        const response = end.outcome === 'ok' ? assembler?.result() : undefined;
        if (response && cached.key) this.cache.store(cached.key, entryFor(response, routing));
        if (end.usage) this.charge(context, end.usage);
        if (end.outcome === 'aborted') this.logAbort(context, admission);
        report.send(end, routing, ttftMs);
      },
    );
    return { routing, cache: report.cache, chunks };
  }

  private admit(request: ChatRequest, context: ChatContext): Admission {
    return admit({
      route: this.router.resolve(request.model),
      model: request.model,
      maxTokens: request.max_tokens,
      hints: context.hints,
      maxTimeoutMs: this.config.routing.requestTimeoutMs,
      signal: context.signal,
    });
  }

  /** The budget check and the cache lookup, side by side; the cache status goes on the report. */
  private async prepare(
    request: ChatRequest,
    context: ChatContext,
    admission: Admission,
    report: ChatReport,
  ): Promise<CacheLookup> {
    const plan = planCaching(request, context.cache, this.config.cache, report.stream);
    const key =
      plan.lookup || plan.store
        ? responseCacheKey({
            scope: context.caller.id,
            model: admission.route.name,
            deploymentId: admission.deploymentId,
            request,
          })
        : undefined;
    const lookup = plan.lookup && key ? this.cache.lookup(key) : undefined;
    const budget = context.budgetChecked ? undefined : this.budget.assertWithinBudget(context.caller);
    // the common case (no lookup, budget checked by the guard) waits for nothing
    const [hit] = lookup || budget ? await Promise.all([lookup, budget]) : [undefined];
    report.cache = hit ? 'hit' : plan.lookup ? 'miss' : 'bypass';
    return { key, store: plan.store, hit };
  }

  private charge(context: ChatContext, usage: Usage): void {
    if (usage.total_tokens > 0) this.budget.recordTokens(context.caller, usage.total_tokens);
  }

  private failed(report: ChatReport, context: ChatContext, admission: Admission, error: unknown): void {
    const end = endOfFailure(error);
    if (end.outcome === 'aborted') this.logAbort(context, admission);
    report.send(end);
  }

  private logAbort(context: ChatContext, admission: Admission): void {
    this.logger.log(
      { requestId: context.requestId, callerId: context.caller.id, model: admission.route.name },
      'chat request aborted by the caller; upstream call cancelled',
    );
  }
}

function routingOf(routed: RoutedMetadata): ChatRouting {
  return {
    provider: routed.provider,
    deploymentId: routed.deploymentId,
    model: routed.model,
    requestedModel: routed.requestedModel,
    attempts: routed.attempts,
  };
}

function cachedRouting(entry: CachedCompletion, admission: Admission): ChatRouting {
  return {
    provider: entry.provider,
    deploymentId: entry.deploymentId,
    model: entry.model,
    requestedModel: admission.route.name,
    attempts: [],
  };
}

function entryFor(response: ChatResponse, routing: ChatRouting): CachedCompletion {
  return {
    response,
    provider: routing.provider,
    deploymentId: routing.deploymentId,
    model: routing.model,
    storedAt: Date.now(),
  };
}
