import type { ChatChunk, ChunkStream, Usage } from '@app/llm';
import { endOfFailure, type RequestEnd } from './chat-report';

/**
 * Passes a routed stream through unchanged and reports, exactly once, how it ended: read to the end,
 * failed, aborted (the caller's signal) or closed early by the consumer (`return()`, also 'aborted').
 */
export class ObservedChunkStream implements ChunkStream {
  private ended = false;
  private usage: Usage | undefined;

  constructor(
    private readonly inner: ChunkStream,
    private readonly onChunk: ((chunk: ChatChunk) => void) | undefined,
    private readonly onEnd: (end: RequestEnd) => void,
  ) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk, undefined>> {
    return this.inner.next().then(this.onResult, this.onError);
  }

  return(): Promise<IteratorResult<ChatChunk, undefined>> {
    this.end({ outcome: 'aborted', usage: this.usage });
    return this.inner.return();
  }

  private readonly onResult = (
    result: IteratorResult<ChatChunk, undefined>,
  ): IteratorResult<ChatChunk, undefined> => {
    if (result.done) {
      this.end({ outcome: 'ok', usage: this.usage });
      return result;
    }
    if (result.value.usage) this.usage = result.value.usage;
    this.onChunk?.(result.value);
    return result;
  };

  private readonly onError = (error: unknown): never => {
    this.end(endOfFailure(error, this.usage));
    throw error;
  };

  private end(end: RequestEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(end);
  }
}
