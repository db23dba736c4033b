import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import type { ProviderType } from '@app/config';
import { parseRetryAfter, ProviderError, type ProviderErrorCode } from '../../core';
import { InvalidVendorResponseError, UnmappableRequestError } from './mapping-errors';

export interface ErrorContext {
  provider: ProviderType;
  deploymentId: string;
  /** The caller's signal: once aborted, whatever the SDK threw is the abort. */
  signal?: AbortSignal;
  /** Our own deadline for the vendor fired: whatever the SDK threw is the timeout. */
  timedOut?: boolean;
}

/** nginx's "client closed request": the caller gave up, nobody failed. */
const ABORTED_STATUS = 499;
const GATEWAY_STATUS = 502;
const TIMEOUT_STATUS = 504;

const NETWORK_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const CONTEXT_LENGTH_MESSAGE =
  /maximum context length|context length exceeded|context window|too many tokens/i;

/** The vendor's own message from `{"error":{"message"}}`, without the SDK's status prefix. */
function vendorMessage(error: APIError): string {
  const body: unknown = error.error;
  if (body !== null && typeof body === 'object' && 'message' in body && typeof body.message === 'string') {
    return body.message;
  }
  return error.message;
}

/** Azure nests its content-filter verdict in `innererror`. */
function innerErrorCode(error: APIError): unknown {
  const body: unknown = error.error;
  if (body === null || typeof body !== 'object' || !('innererror' in body)) return undefined;
  const inner: unknown = body.innererror;
  return inner !== null && typeof inner === 'object' && 'code' in inner ? inner.code : undefined;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const milliseconds = Number(headers?.get('retry-after-ms') ?? Number.NaN);
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return milliseconds;
  return parseRetryAfter(headers?.get('retry-after'));
}

function badRequestCode(error: APIError, message: string): ProviderErrorCode {
  if (error.code === 'context_length_exceeded' || CONTEXT_LENGTH_MESSAGE.test(message)) {
    return 'context_length_exceeded';
  }
  if (error.code === 'content_filter' || innerErrorCode(error) === 'ResponsibleAIPolicyViolation') {
    return 'content_filtered';
  }
  return 'bad_request';
}

function codeForStatus(status: number, error: APIError, message: string): ProviderErrorCode {
  switch (status) {
    case 400:
      return badRequestCode(error, message);
    case 401:
      return 'authentication_failed';
    case 403:
      return 'permission_denied';
    case 404:
      return 'model_not_found';
    case 408:
    case 502:
    case 503:
    case 504:
      return 'upstream_unavailable';
    case 429:
      return 'rate_limited';
    default:
      return status === 409 || status >= 500 ? 'upstream_error' : 'bad_request';
  }
}

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/**
 * Errors from fetch may come from another realm (Node's bundled undici under Jest's VM), where
 * `instanceof Error` fails, so transport errors are recognised by shape.
 */
function asErrorLike(value: unknown): ErrorLike | undefined {
  return value !== null && typeof value === 'object' ? (value as ErrorLike) : undefined;
}

/** undici reports a dropped connection as a TypeError ("fetch failed", "terminated") with a socket cause. */
function isNetworkFailure(value: unknown, depth = 0): boolean {
  const error = asErrorLike(value);
  if (!error || depth > 4) return false;
  const message = String(error.message);
  if (error.name === 'TypeError' && /terminated|fetch failed|other side closed/i.test(message)) return true;
  const code = typeof error.code === 'string' ? error.code : '';
  if (NETWORK_ERROR_CODES.has(code) || code.startsWith('UND_ERR')) return true;
  return isNetworkFailure(error.cause, depth + 1);
}

function describe(error: unknown): string {
  const message = asErrorLike(error)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** Everything the OpenAI SDK (or our mapping around it) can throw, as the one error type the router reads. */
export function toProviderError(error: unknown, context: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const make = (
    code: ProviderErrorCode,
    status: number,
    message: string,
    retryAfter?: number,
  ): ProviderError =>
    new ProviderError({
      code,
      status,
      message,
      provider: context.provider,
      deploymentId: context.deploymentId,
      cause: error,
      ...(retryAfter === undefined ? {} : { retryAfterMs: retryAfter }),
    });

  if (context.timedOut) {
    return make('timeout', TIMEOUT_STATUS, 'the vendor did not answer within the deployment timeout');
  }
  if (error instanceof APIUserAbortError || context.signal?.aborted) {
    return make('aborted', ABORTED_STATUS, 'the caller aborted the request');
  }
  if (error instanceof APIConnectionTimeoutError) return make('timeout', TIMEOUT_STATUS, describe(error));
  if (error instanceof APIConnectionError) return make('connection_error', GATEWAY_STATUS, describe(error));
  if (error instanceof APIError) {
    const message = vendorMessage(error);
    // An error event inside a stream has no status of its own.
    if (error.status === undefined) return make('upstream_error', GATEWAY_STATUS, message);
    return make(
      codeForStatus(error.status, error, message),
      error.status,
      message,
      retryAfterMs(error.headers),
    );
  }
  if (error instanceof UnmappableRequestError) return make('bad_request', 400, error.message);
  if (error instanceof InvalidVendorResponseError || asErrorLike(error)?.name === 'SyntaxError') {
    return make('invalid_response', GATEWAY_STATUS, `invalid response from the vendor: ${describe(error)}`);
  }
  if (isNetworkFailure(error)) return make('connection_error', GATEWAY_STATUS, describe(error));
  if (error instanceof OpenAIError) return make('invalid_response', GATEWAY_STATUS, describe(error));
  return make('upstream_error', GATEWAY_STATUS, describe(error));
}
