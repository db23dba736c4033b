import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
} from '@anthropic-ai/sdk';
import { ProviderError, type ProviderErrorCode, parseRetryAfter } from '../../core/provider-error';
import { isConnectionFailure, isParseFailure, isTimeoutFailure, messageOf } from '../shared/network-errors';
import { RequestMappingError } from '../shared/request-mapping-error';

export interface ErrorContext {
  deploymentId: string;
  /** the caller's signal: once it fired, whatever the SDK threw is an abort */
  signal?: AbortSignal;
}

/** Statuses for error events inside a 200 stream, which carry only the error type. */
const STATUS_BY_ERROR_TYPE: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  billing_error: 402,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  timeout_error: 504,
  overloaded_error: 529,
};

const CONTEXT_LENGTH_MESSAGE =
  /prompt is too long|context (window|length)|too many (input )?tokens|maximum context/i;

/** Anything the Anthropic SDK (or our mapping) throws → ProviderError, keeping the vendor's message. */
export function toProviderError(error: unknown, context: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const make = (code: ProviderErrorCode, status: number, message: string, retryAfterMs?: number) =>
    new ProviderError({
      code,
      status,
      message,
      retryAfterMs,
      provider: 'anthropic',
      deploymentId: context.deploymentId,
      cause: error,
    });

  if (context.signal?.aborted || error instanceof APIUserAbortError) {
    return make('aborted', 499, 'request aborted');
  }
  if (error instanceof RequestMappingError) return make('bad_request', 400, error.message);
  if (error instanceof APIConnectionTimeoutError) return make('timeout', 504, error.message);
  if (error instanceof APIConnectionError) return make('connection_error', 502, error.message);
  if (error instanceof APIError) return fromApiError(error, make);
  if (isParseFailure(error)) return make('invalid_response', 502, `unparsable response: ${messageOf(error)}`);
  if (isTimeoutFailure(error)) return make('timeout', 504, messageOf(error));
  if (isConnectionFailure(error)) return make('connection_error', 502, messageOf(error));
  if (error instanceof AnthropicError) return make('invalid_response', 502, error.message);
  return make('upstream_error', 502, messageOf(error));
}

function fromApiError(
  error: APIError,
  make: (code: ProviderErrorCode, status: number, message: string, retryAfterMs?: number) => ProviderError,
): ProviderError {
  const status = error.status ?? (error.type ? STATUS_BY_ERROR_TYPE[error.type] : undefined) ?? 502;
  const message = error.apiMessage ?? error.message;
  switch (status) {
    case 400:
    case 413:
    case 422:
      return make(
        CONTEXT_LENGTH_MESSAGE.test(message) ? 'context_length_exceeded' : 'bad_request',
        status,
        message,
      );
    case 401:
      return make('authentication_failed', status, message);
    case 402:
    case 403:
      return make('permission_denied', status, message);
    case 404:
      return make('model_not_found', status, message);
    case 429:
      return make('rate_limited', status, message, retryAfterMs(error.headers));
    case 408:
    case 502:
    case 503:
    case 504:
    case 529: // overloaded
      return make('upstream_unavailable', status, message, retryAfterMs(error.headers));
    default:
      return make(status >= 500 ? 'upstream_error' : 'bad_request', status, message);
  }
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const millis = Number(headers?.get('retry-after-ms') ?? NaN);
  if (Number.isFinite(millis) && millis >= 0) return millis;
  return parseRetryAfter(headers?.get('retry-after'));
}
