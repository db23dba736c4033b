import type { CacheStatus } from '@app/cache';
import { ProviderError, type Usage } from '@app/llm';
import { performance } from 'node:perf_hooks';
import type { ChatContext } from './chat-context';
import type { ChatFinishedEvent, ChatObservers, ChatOutcome } from './chat-observers';
import type { ChatRouting } from './chat-result';

/** How a request ended, as far as its report goes. */
export interface RequestEnd {
  outcome: ChatOutcome;
  usage?: Usage;
  error?: Error;
}

/** A failure is `aborted` when the caller's signal (or a consumer closing the stream) caused it. */
export function endOfFailure(thrown: unknown, usage?: Usage): RequestEnd {
  const error = thrown instanceof Error ? thrown : new Error(String(thrown));
  const aborted = error instanceof ProviderError && error.code === 'aborted';
  return { outcome: aborted ? 'aborted' : 'error', usage, error };
}

/** One request's report to the observers: started with the request, sent once it has ended. */
export class ChatReport {
  private readonly startedAt = performance.now();
  cache: CacheStatus = 'bypass';

  constructor(
    private readonly observers: ChatObservers,
    private readonly context: ChatContext,
    private readonly requestedModel: string,
    readonly stream: boolean,
  ) {}

  elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  send(end: RequestEnd, routing?: ChatRouting, ttftMs?: number): void {
    if (!this.observers.active) return;
    const { caller, requestId, route } = this.context;
    const event: ChatFinishedEvent = {
      callerId: caller.id,
      apiKeyId: caller.principal?.apiKeyId,
      requestId,
      route,
      requestedModel: this.requestedModel,
      model: routing?.model,
      provider: routing?.provider,
      deploymentId: routing?.deploymentId,
      stream: this.stream,
      outcome: end.outcome,
      cache: this.cache,
      usage: end.usage,
      attempts: routing?.attempts ?? attemptsOf(end.error),
      durationMs: this.elapsedMs(),
      ttftMs,
      error: end.error && describeError(end.error),
    };
    this.observers.notify(event);
  }
}

function attemptsOf(error: Error | undefined): ChatRouting['attempts'] {
  const attempts = (error as { attempts?: unknown } | undefined)?.attempts;
  return Array.isArray(attempts) ? attempts : [];
}

function describeError(error: Error): NonNullable<ChatFinishedEvent['error']> {
  const { code, status } = error as { code?: unknown; status?: unknown };
  return {
    code: typeof code === 'string' ? code : 'internal_error',
    ...(typeof status === 'number' ? { status } : {}),
    message: error.message,
  };
}
