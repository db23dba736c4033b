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
  Conflict = 'conflict',
  RateLimited = 'rate_limited',
  CapacityExhausted = 'capacity_exhausted',
  UpstreamError = 'upstream_error',
  UpstreamTimeout = 'upstream_timeout',
  ServiceUnavailable = 'service_unavailable',
  NotReady = 'not_ready',
  Internal = 'internal_error',
}

export interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: unknown[];
    errorId?: string;
  };
}
