import type { ChatChunk, Usage } from '../core/chat.types';
import type { ProviderError } from '../core/provider-error';
import { saneUsage } from '../core/usage';
import type { AttemptScope } from './abort-scopes';
import { asProviderError, cancellationError } from './attempt-errors';
import type { Candidate } from './model-catalog';
import type { ChunkStream } from './router.types';

export interface StreamEnd {
  error?: ProviderError;
  usage?: Usage;
  closedByConsumer: boolean;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/**
 * The chunks of a started stream: the first chunk (already received), then the upstream's. Ends in
 * exactly one of: upstream done, upstream error or cancellation (rejected `next()` with the
 * ProviderError, after the chunks delivered so far), consumer `return()` (aborts the upstream call).
 * `onEnd` runs once, at that moment. A `next()` pending when the attempt's signal fires settles at once,
 * whether or not the provider honours the signal. One `next()` at a time, as `for await` does.
 */
export class RoutedChunkStream implements ChunkStream {
  private firstDelivered = false;
  private ended = false;
  private undeliveredError: ProviderError | undefined;
  private usage: Usage | undefined;
  private resolvePending: ((result: IteratorResult<ChatChunk, undefined>) => void) | undefined;
  private rejectPending: ((error: ProviderError) => void) | undefined;

  constructor(
    private readonly first: ChatChunk,
    private readonly upstream: AsyncIterator<ChatChunk>,
    private readonly attempt: AttemptScope,
    private readonly candidate: Candidate,
    private readonly onEnd: (end: StreamEnd) => void,
  ) {
    if (first.usage) this.usage = first.usage = saneUsage(first.usage);
    attempt.signal.addEventListener('abort', this.onAbort, { once: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk, undefined>> {
    if (this.ended) return this.afterEnd();
    if (!this.firstDelivered) {
      this.firstDelivered = true;
      return Promise.resolve({ value: this.first, done: false });
    }
    if (this.resolvePending)
      return Promise.reject(new Error('RoutedChunkStream: next() called while another next() is pending'));
    return new Promise((resolve, reject) => {
      this.resolvePending = resolve;
      this.rejectPending = reject;
      this.upstream.next().then(this.onUpstreamResult, this.onUpstreamError);
    });
  }

  return(): Promise<IteratorResult<ChatChunk, undefined>> {
    if (!this.ended) this.attempt.close(); // onAbort ends the stream
    return Promise.resolve(DONE);
  }

  private afterEnd(): Promise<IteratorResult<ChatChunk, undefined>> {
    const error = this.undeliveredError;
    if (!error) return Promise.resolve(DONE);
    this.undeliveredError = undefined;
    return Promise.reject(error);
  }

  private readonly onUpstreamResult = (result: IteratorResult<ChatChunk>): void => {
    if (this.ended) return;
    const resolve = this.resolvePending;
    this.clearPending();
    if (result.done) {
      this.end({ usage: this.usage, closedByConsumer: false });
      resolve?.(DONE);
      return;
    }
    this.attempt.refreshTimeout();
    // vendor input: the client, budgets and analytics all see the same sane numbers
    if (result.value.usage) this.usage = result.value.usage = saneUsage(result.value.usage);
    resolve?.(result);
  };

  private readonly onUpstreamError = (thrown: unknown): void => {
    if (this.ended) return;
    const reject = this.rejectPending;
    this.clearPending();
    const error = asProviderError(thrown, this.candidate);
    this.end({ error, usage: this.usage, closedByConsumer: false });
    reject?.(error);
  };

  private readonly onAbort = (): void => {
    if (this.ended) return;
    const resolve = this.resolvePending;
    const reject = this.rejectPending;
    this.clearPending();
    const cause = this.attempt.cause ?? 'caller';
    if (cause === 'closed') {
      this.end({ usage: this.usage, closedByConsumer: true });
      resolve?.(DONE);
      return;
    }
    // the deadline no longer applies once streaming, so this is the caller or the idle timeout
    const error = cancellationError(cause, this.candidate, 0, true);
    this.end({ error, usage: this.usage, closedByConsumer: false });
    if (reject) reject(error);
    else this.undeliveredError = error;
  };

  private clearPending(): void {
    this.resolvePending = undefined;
    this.rejectPending = undefined;
  }

  private end(end: StreamEnd): void {
    this.ended = true;
    this.attempt.signal.removeEventListener('abort', this.onAbort);
    this.attempt.dispose();
    if (end.error || end.closedByConsumer) closeQuietly(this.upstream);
    this.onEnd(end);
  }
}

/** Lets the provider's generator run its cleanup; errors from it no longer matter. */
export function closeQuietly(iterator: AsyncIterator<unknown>): void {
  try {
    iterator.return?.()?.then(undefined, () => undefined);
  } catch {
    // a synchronous throw from return() has nothing left to tell us
  }
}
