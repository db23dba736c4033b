import type { CacheStatus } from '@app/cache';
import type { ProviderType } from '@app/config';
import type { AttemptRecord, ChatResponse, ChunkStream } from '@app/llm';

/** Who answered. On a cache hit: who answered originally, with no attempts made now. */
export interface ChatRouting {
  provider: ProviderType;
  deploymentId: string;
  /** The public model that served (a group resolves to one of its models). */
  model: string;
  /** What the caller asked for: a model or a group alias. */
  requestedModel: string;
  attempts: readonly AttemptRecord[];
}

export interface ChatCompletionResult {
  /** `response.model` is the public model name (routing.model), never a vendor id. */
  response: ChatResponse;
  routing: ChatRouting;
  cache: CacheStatus;
}

export interface ChatStreamResult {
  routing: ChatRouting;
  cache: CacheStatus;
  /**
   * Every chunk, usage on the last one(s) when known. Chunks keep the vendor's `model` (rewriting each one
   * would cost an allocation per chunk): present `routing.model` instead. Read to the end or call
   * `return()`; a failure after the first chunk rejects `next()` (never a silent end).
   */
  chunks: ChunkStream;
}
