import type { ProviderType } from '@app/config';
import type { ChatChunk, ChatRequest, ChatResponse } from '../../core/chat.types';
import type { LlmProvider } from '../../core/provider';
import { ProviderError, type ProviderErrorCode } from '../../core/provider-error';

export type FakeBehaviour =
  | { kind: 'respond'; text: string; totalTokens: number }
  | { kind: 'fail'; status: number; code?: ProviderErrorCode; message?: string; retryAfterMs?: number }
  /** waits for the signal, then throws `aborted` like a real adapter; ignoreSignal: never settles */
  | { kind: 'hang'; ignoreSignal?: boolean }
  /** streams: these chunks, then optionally a failure or a hang; usage on the last chunk when ending normally */
  | {
      kind: 'stream';
      chunks: string[];
      thenFail?: { status: number; message?: string };
      thenHang?: boolean;
      totalTokens?: number;
    };

export const respond = (text = 'hello', totalTokens = 42): FakeBehaviour => ({
  kind: 'respond',
  text,
  totalTokens,
});
export const fail = (
  status: number,
  extra: { code?: ProviderErrorCode; message?: string; retryAfterMs?: number } = {},
): FakeBehaviour => ({
  kind: 'fail',
  status,
  ...extra,
});
export const hang = (ignoreSignal = false): FakeBehaviour => ({ kind: 'hang', ignoreSignal });
export const streamOf = (
  chunks: string[],
  rest: { thenFail?: { status: number; message?: string }; thenHang?: boolean; totalTokens?: number } = {},
): FakeBehaviour => ({ kind: 'stream', chunks, ...rest });

const CODE_BY_STATUS: Record<number, ProviderErrorCode> = {
  400: 'bad_request',
  401: 'authentication_failed',
  403: 'permission_denied',
  404: 'model_not_found',
  408: 'timeout',
  429: 'rate_limited',
  503: 'upstream_unavailable',
  504: 'timeout',
};

export interface FakeCall {
  request: ChatRequest;
  signal: AbortSignal;
  stream: boolean;
}

/** A scripted provider: queued behaviours are used once each, in order, then `otherwise` every time. */
export class FakeProvider implements LlmProvider {
  readonly calls: FakeCall[] = [];
  /** streams whose generator ran its cleanup (return() or error) */
  closedStreams = 0;
  private readonly queue: FakeBehaviour[] = [];

  constructor(
    readonly deploymentId: string,
    readonly type: ProviderType = 'openai',
    private otherwise: FakeBehaviour = respond(),
  ) {}

  then(...behaviours: FakeBehaviour[]): this {
    this.queue.push(...behaviours);
    return this;
  }

  always(behaviour: FakeBehaviour): this {
    this.otherwise = behaviour;
    return this;
  }

  get lastSignal(): AbortSignal | undefined {
    return this.calls.at(-1)?.signal;
  }

  async generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
    this.calls.push({ request, signal, stream: false });
    const behaviour = this.queue.shift() ?? this.otherwise;
    switch (behaviour.kind) {
      case 'respond':
        return this.response(request, behaviour.text, behaviour.totalTokens);
      case 'stream':
        return this.response(request, behaviour.chunks.join(''), behaviour.totalTokens ?? 42);
      case 'fail':
        throw this.error(behaviour);
      case 'hang':
        return this.hang(signal, behaviour.ignoreSignal);
    }
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    this.calls.push({ request, signal, stream: true });
    const behaviour = this.queue.shift() ?? this.otherwise;
    try {
      switch (behaviour.kind) {
        case 'fail':
          throw this.error(behaviour);
        case 'hang':
          return await this.hang(signal, behaviour.ignoreSignal);
        case 'respond':
          yield this.chunk(request, behaviour.text, behaviour.totalTokens);
          return;
        case 'stream': {
          const { chunks, thenFail, thenHang, totalTokens } = behaviour;
          for (let i = 0; i < chunks.length; i++) {
            const last = i === chunks.length - 1 && !thenFail && !thenHang;
            yield this.chunk(request, chunks[i], last ? totalTokens : undefined);
          }
          if (thenFail) throw this.error({ kind: 'fail', ...thenFail });
          if (thenHang) await this.hang(signal);
          return;
        }
      }
    } finally {
      this.closedStreams++;
    }
  }

  async probe(): Promise<void> {}

  private hang(signal: AbortSignal, ignoreSignal = false): Promise<never> {
    return new Promise((_resolve, reject) => {
      if (ignoreSignal) return;
      const onAbort = () =>
        reject(this.error({ kind: 'fail', status: 499, code: 'aborted', message: 'aborted' }));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private error(behaviour: Extract<FakeBehaviour, { kind: 'fail' }>): ProviderError {
    const code =
      behaviour.code ??
      CODE_BY_STATUS[behaviour.status] ??
      (behaviour.status >= 500 ? 'upstream_error' : 'bad_request');
    return new ProviderError({
      code,
      status: behaviour.status,
      message: behaviour.message ?? `${this.deploymentId} answered ${behaviour.status}`,
      provider: this.type,
      deploymentId: this.deploymentId,
      retryAfterMs: behaviour.retryAfterMs,
    });
  }

  private response(request: ChatRequest, text: string, totalTokens: number): ChatResponse {
    return {
      id: `${this.deploymentId}-${this.calls.length}`,
      created: 1_700_000_000,
      model: request.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
      usage: { prompt_tokens: totalTokens - 1, completion_tokens: 1, total_tokens: totalTokens },
    };
  }

  private chunk(request: ChatRequest, text: string, totalTokens?: number): ChatChunk {
    return {
      id: `${this.deploymentId}-${this.calls.length}`,
      created: 1_700_000_000,
      model: request.model,
      choices: [
        { index: 0, delta: { content: text }, finish_reason: totalTokens === undefined ? null : 'stop' },
      ],
      ...(totalTokens === undefined
        ? {}
        : { usage: { prompt_tokens: totalTokens - 1, completion_tokens: 1, total_tokens: totalTokens } }),
    };
  }
}
