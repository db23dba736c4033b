/**
 * One finished request (chat, stream or task) and every upstream attempt it made.
 *
 * Stored as one `usage_events` row per request plus one `usage_attempts` row per attempt (child rows keyed
 * by the request's event id): usage queries (requests, tokens, cost by caller/route/model) read the
 * request rows, upstream performance (latency, errors per deployment) reads the attempt rows, and both
 * are summed into hourly and daily rollups by the writer. See libs/analytics/README.md.
 */
export type UsageKind = 'chat' | 'stream' | 'task';

/** aborted: the caller went away or closed the stream early. */
export type UsageOutcome = 'ok' | 'error' | 'aborted';

/** Status recorded for a request the caller abandoned (nginx's "client closed request"). */
export const ABORTED_STATUS = 499;

export interface UsageAttempt {
  deploymentId: string;
  provider: string;
  /** The public model the deployment serves under this vendor model; the vendor model when unknown. */
  model: string;
  vendorModel: string;
  ok: boolean;
  errorCode: string | null;
  status: number | null;
  latencyMs: number;
  ttftMs: number | null;
}

export interface UsageEvent {
  /** Primary key: a batch written twice (crash between commit and ack) inserts nothing the second time. */
  id: string;
  /** Epoch ms when the request finished. */
  occurredAt: number;
  requestId: string | null;
  kind: UsageKind;
  userId: string | null;
  apiKeyId: string | null;
  /** The API route (e.g. `POST /v1/chat/completions`) or `task` for work done by a worker. */
  route: string;
  /** What the caller asked for: a model or a group alias. */
  modelGroup: string;
  /** Who served (on a cache hit: who served originally); null when nothing did. */
  provider: string | null;
  deploymentId: string | null;
  model: string | null;
  outcome: UsageOutcome;
  /** 200 on success, the error's status otherwise, 499 when aborted. */
  status: number;
  errorCode: string | null;
  promptTokens: number;
  completionTokens: number;
  /** USD; 0 on a cache hit (nothing was paid upstream) and for models missing from the price table. */
  costUsd: number;
  latencyMs: number;
  ttftMs: number | null;
  attempts: UsageAttempt[];
  /** How many times the request moved on to another deployment. */
  fallbacks: number;
  cacheHit: boolean;
  /** A stream the caller closed before its end. */
  streamAborted: boolean;
}
