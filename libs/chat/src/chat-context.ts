import type { Principal } from '@app/auth';
import type { CacheDirectives } from '@app/cache';
import type { ProviderType } from '@app/config';

/** Who is asking: the cache is keyed per caller, and the token budget is charged to them. */
export interface ChatCaller {
  /** The user id: requests of different users never share cache entries. */
  id: string;
  /** Whose token budget the request is charged to; without one nothing is charged. */
  principal?: Principal;
}

/** The caller's say in routing. */
export interface RoutingHints {
  /** Only this deployment (it must serve the model). */
  deploymentId?: string;
  /** Only this vendor type: its highest-priority deployment serving the model. */
  provider?: ProviderType;
  /** false: the first deployment only (its own retries still happen). */
  fallback?: boolean;
  /** Shortens the request deadline (never beyond routing.requestTimeoutMs). */
  timeoutMs?: number;
}

export interface ChatContext {
  caller: ChatCaller;
  /** Correlates logs and observer events (the HTTP request id; a task id in the worker). */
  requestId?: string;
  /** What asked, for analytics: e.g. `POST /v1/chat/completions`. */
  route?: string;
  hints?: RoutingHints;
  cache?: CacheDirectives;
  /** Aborting it cancels the upstream call at once (client gone, task cancelled). */
  signal?: AbortSignal;
  /**
   * The caller's token budget was already checked (the api's throttler guard does it for routes marked
   * @EnforceTokenBudget(), in the round-trip it makes anyway); otherwise ChatService checks it.
   */
  budgetChecked?: boolean;
}
