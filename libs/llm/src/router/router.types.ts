import type { ProviderType } from '@app/config';
import type { ChatChunk, ChatResponse, ProviderErrorCode, Usage } from '../core';

export interface RouteOptions {
  /** The caller's cancellation: stops everything at once, no retries, error code `aborted`. */
  signal?: AbortSignal;
  /** Pin: try only this deployment (it must serve the requested model). */
  deploymentId?: string;
  /** false = primary only (retries on it are still allowed). Default true. */
  fallback?: boolean;
  /** Overall deadline for the request across attempts; overrides routing.requestTimeoutMs. */
  timeoutMs?: number;
}

/**
 * One call to one deployment. For the attempt that serves a stream, `latencyMs` is the time to the first
 * chunk until the stream ends, then the whole stream's duration; `ok` turns false if it fails mid-stream.
 */
export interface AttemptRecord {
  deploymentId: string;
  provider: ProviderType;
  vendorModel: string;
  ok: boolean;
  errorCode?: ProviderErrorCode;
  status?: number;
  latencyMs: number;
  ttftMs?: number;
}

export interface RoutedMetadata {
  deploymentId: string;
  provider: ProviderType;
  /** The public model the serving deployment is configured for (the API layer picks what to show). */
  model: string;
  /** The name the caller asked for: a model or a group alias. */
  requestedModel: string;
  vendorModel: string;
  attempts: readonly AttemptRecord[];
}

export interface RoutedResponse extends RoutedMetadata {
  /** The vendor response as the adapter normalised it; `response.model` is the vendor's id. */
  response: ChatResponse;
}

export interface RoutedStream extends RoutedMetadata {
  /** Already received (fallback is over once it exists); also the first value `chunks` yields. */
  firstChunk: ChatChunk;
  ttftMs: number;
  /**
   * Every chunk, starting with `firstChunk`. A failure after the first chunk rejects `next()` with the
   * ProviderError (never a silent end). Iterate it to the end or call `return()` (a `for await` that
   * breaks does): that aborts the upstream call and releases the request's timers.
   */
  chunks: ChunkStream;
}

/** The chunks of a routed stream; `return()` is always there, to close it without reading to the end. */
export interface ChunkStream extends AsyncIterableIterator<ChatChunk, undefined> {
  return(): Promise<IteratorResult<ChatChunk, undefined>>;
}

export type RouteOutcome = 'ok' | 'error' | 'cancelled';

export interface RouteFinishedEvent {
  requestedModel: string;
  stream: boolean;
  /** cancelled = a stream the consumer closed early */
  outcome: RouteOutcome;
  deploymentId?: string;
  provider?: ProviderType;
  model?: string;
  vendorModel?: string;
  attempts: readonly AttemptRecord[];
  usage?: Usage;
  error?: Error;
  durationMs: number;
  ttftMs?: number;
}

/** Analytics hooks: called synchronously after the fact, never awaited; a throwing listener is ignored. */
export interface RouterListener {
  onAttempt?(record: AttemptRecord, requestedModel: string): void;
  onFinished?(event: RouteFinishedEvent): void;
}
