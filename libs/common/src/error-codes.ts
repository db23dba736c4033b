/** Every error the API returns carries one of these codes in `error.code`. */
export enum ErrorCode {
  BadRequest = 'bad_request',
  ValidationFailed = 'validation_failed',
  InvalidJson = 'invalid_json',
  UnsupportedMediaType = 'unsupported_media_type',
  PayloadTooLarge = 'payload_too_large',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  RouteNotFound = 'route_not_found',
  MethodNotAllowed = 'method_not_allowed',
  ModelNotFound = 'model_not_found',
  DeploymentNotFound = 'deployment_not_found',
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
  CapacityExhausted = 'capacity_exhausted',
  ContextLengthExceeded = 'context_length_exceeded',
  ContentFiltered = 'content_filtered',
  NoDeploymentAvailable = 'no_deployment_available',
  DeadlineExceeded = 'deadline_exceeded',
  ClientClosedRequest = 'client_closed_request',
  UpstreamError = 'upstream_error',
  UpstreamTimeout = 'upstream_timeout',
  ServiceUnavailable = 'service_unavailable',
  NotReady = 'not_ready',
  Internal = 'internal_error',
  InvalidCredentials = 'invalid_credentials',
  InsufficientScope = 'insufficient_scope',
  IdempotencyKeyReused = 'idempotency_key_reused',
  TaskNotCancellable = 'task_not_cancellable',
  WebhookUrlRefused = 'webhook_url_refused',
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: unknown[];
    errorId?: string;
    /** `/v1` routes only: OpenAI's error type (invalid_request_error, rate_limit_error, ...) */
    type?: string;
    /** `/v1` routes only: the request field at fault, or null (OpenAI's `param`) */
    param?: string | null;
  };
}
