import { ProviderError, type ProviderErrorCode, parseRetryAfter } from '../../core/provider-error';
import {
  asErrorLike,
  type ErrorLike,
  isConnectionFailure,
  isParseFailure,
  isTimeoutFailure,
} from '../shared/network-errors';
import { RequestMappingError } from '../shared/request-mapping-error';

export interface ErrorContext {
  deploymentId: string;
  /** the caller's signal: once it fired, whatever the SDK threw is an abort */
  signal?: AbortSignal;
}

interface Mapping {
  code: ProviderErrorCode;
  status: number;
}

/**
 * By exception name, case-insensitive: the HTTP API sends `ThrottlingException` in x-amzn-errortype,
 * while ConverseStream exception events are named `throttlingException`. The status is ours, not the
 * wire's: stream events have none, and some of Bedrock's own (400 quota, 424 model error) would make
 * errors that another deployment could well serve look final.
 */
const BY_EXCEPTION_NAME: Record<string, Mapping> = {
  throttlingexception: { code: 'rate_limited', status: 429 },
  servicequotaexceededexception: { code: 'rate_limited', status: 429 },
  serviceunavailableexception: { code: 'upstream_unavailable', status: 503 },
  modelnotreadyexception: { code: 'upstream_unavailable', status: 503 },
  internalserverexception: { code: 'upstream_error', status: 500 },
  modelstreamerrorexception: { code: 'upstream_error', status: 502 },
  modelerrorexception: { code: 'upstream_error', status: 502 },
  modeltimeoutexception: { code: 'upstream_unavailable', status: 408 },
  conflictexception: { code: 'upstream_error', status: 409 },
  validationexception: { code: 'bad_request', status: 400 },
  accessdeniedexception: { code: 'permission_denied', status: 403 },
  unrecognizedclientexception: { code: 'authentication_failed', status: 401 },
  invalidsignatureexception: { code: 'authentication_failed', status: 401 },
  expiredtokenexception: { code: 'authentication_failed', status: 401 },
  resourcenotfoundexception: { code: 'model_not_found', status: 404 },
};

const CONTEXT_LENGTH_MESSAGE = /too long|context (window|length)|too many (input )?tokens|maximum context/i;

/** The fields of a Smithy service exception this mapper reads (the SDK's own types don't share one). */
interface AwsErrorShape {
  name: string;
  message: string;
  $metadata?: { httpStatusCode?: number };
  $response?: { headers?: Record<string, string | undefined> };
  $responseBodyText?: string;
}

/** Anything the Bedrock SDK (or our mapping) throws → ProviderError, keeping the vendor's message. */
export function toProviderError(error: unknown, context: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  const make = (code: ProviderErrorCode, status: number, message: string, retryAfterMs?: number) =>
    new ProviderError({
      code,
      status,
      message,
      retryAfterMs,
      provider: 'bedrock',
      deploymentId: context.deploymentId,
      cause: error,
    });

  if (context.signal?.aborted || asErrorLike(error)?.name === 'AbortError') {
    return make('aborted', 499, 'request aborted');
  }
  if (error instanceof RequestMappingError) return make('bad_request', 400, error.message);
  const errorLike = asErrorLike(error);
  if (!errorLike) return make('upstream_error', 502, String(error));

  const aws = errorLike as ErrorLike & AwsErrorShape;
  if (isParseFailure(aws) || aws.$responseBodyText !== undefined) {
    return make('invalid_response', 502, `unparsable response: ${aws.message}`);
  }
  const byName = BY_EXCEPTION_NAME[aws.name.toLowerCase()];
  if (byName) return fromMapping(byName, aws, make);
  if (isTimeoutFailure(aws)) return make('timeout', 504, aws.message);
  if (isEventStreamFault(aws)) return make('invalid_response', 502, aws.message);
  if (isConnectionFailure(aws)) return make('connection_error', 502, aws.message);
  const status = aws.$metadata?.httpStatusCode;
  if (status !== undefined && status >= 400) return fromMapping(byStatus(status), aws, make);
  return make('upstream_error', 502, aws.message);
}

function fromMapping(
  mapping: Mapping,
  error: AwsErrorShape,
  make: (code: ProviderErrorCode, status: number, message: string, retryAfterMs?: number) => ProviderError,
): ProviderError {
  const status = mapping.status;
  if (mapping.code === 'bad_request' && CONTEXT_LENGTH_MESSAGE.test(error.message)) {
    return make('context_length_exceeded', status, error.message);
  }
  const retryAfter =
    mapping.code === 'rate_limited' || mapping.code === 'upstream_unavailable'
      ? parseRetryAfter(error.$response?.headers?.['retry-after'])
      : undefined;
  return make(mapping.code, status, error.message, retryAfter);
}

function byStatus(status: number): Mapping {
  if (status === 429) return { code: 'rate_limited', status };
  if (status === 401) return { code: 'authentication_failed', status };
  if (status === 403) return { code: 'permission_denied', status };
  if (status === 404) return { code: 'model_not_found', status };
  if ([408, 502, 503, 504].includes(status)) return { code: 'upstream_unavailable', status };
  return { code: status >= 500 ? 'upstream_error' : 'bad_request', status };
}

/** The event-stream decoder's complaints about a frame it cannot read. */
function isEventStreamFault(error: ErrorLike): boolean {
  return /checksum|prelude|truncated event message|unrecognizable event|event stream/i.test(error.message);
}
