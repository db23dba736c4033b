export type ProviderErrorCode =
  | 'rate_limited'
  | 'upstream_unavailable'
  | 'upstream_error'
  | 'timeout'
  | 'connection_error'
  | 'bad_request'
  | 'context_length_exceeded'
  | 'content_filtered'
  | 'authentication_failed'
  | 'permission_denied'
  | 'model_not_found'
  | 'invalid_response'
  | 'aborted';

export interface ProviderErrorInit {
  code: ProviderErrorCode;
  message: string;
  /** HTTP status the vendor answered with, or the one we assign (504 timeout, 502 connection/invalid). */
  status: number;
  provider: string;
  deploymentId: string;
  retryAfterMs?: number;
  cause?: unknown;
}

/** Statuses on which another attempt (same or other deployment) may succeed. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** The one error type every adapter throws; the router decides on `retryable`. */
export class ProviderError extends Error {
  readonly code: ProviderErrorCode;
  readonly status: number;
  readonly provider: string;
  readonly deploymentId: string;
  readonly retryAfterMs?: number;
  readonly retryable: boolean;

  constructor(init: ProviderErrorInit) {
    super(init.message, { cause: init.cause });
    this.name = 'ProviderError';
    this.code = init.code;
    this.status = init.status;
    this.provider = init.provider;
    this.deploymentId = init.deploymentId;
    this.retryAfterMs = init.retryAfterMs;
    this.retryable =
      init.code !== 'aborted' &&
      (isRetryableStatus(init.status) || init.code === 'timeout' || init.code === 'connection_error');
  }
}

/** Parses a Retry-After header value (seconds or HTTP date) or retry-after-ms into milliseconds. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, Math.round(seconds * 1000));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
