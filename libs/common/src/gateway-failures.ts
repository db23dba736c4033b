import { ErrorCode } from './error-codes';
import type { MappedError } from './error-mapping';

/**
 * Structural views of the errors libs/llm throws (libs/common must not import libs/llm): a routing
 * failure (ModelNotFoundError, NoDeploymentAvailableError, ...) carries the attempts made; a vendor's
 * error (ProviderError) names the deployment that answered and whether another attempt could help.
 */
export interface RoutingFailureLike {
  message: string;
  /** the message minus what a vendor said, when it differs (NoDeploymentAvailableError) */
  callerMessage?: string;
  status: number;
  code: string;
  retryAfterMs?: number;
  attempts: readonly unknown[];
}

export interface UpstreamFailureLike {
  message: string;
  status: number;
  code: string;
  retryAfterMs?: number;
  provider: string;
  deploymentId: string;
  retryable: boolean;
}

function statusAndCode(value: unknown): value is { status: number; code: string; message: string } {
  if (!(value instanceof Error)) return false;
  const candidate = value as Error & { status?: unknown; code?: unknown };
  return typeof candidate.status === 'number' && typeof candidate.code === 'string';
}

export function isRoutingFailure(value: unknown): value is RoutingFailureLike {
  return statusAndCode(value) && Array.isArray((value as { attempts?: unknown }).attempts);
}

export function isUpstreamFailure(value: unknown): value is UpstreamFailureLike {
  if (!statusAndCode(value)) return false;
  const candidate = value as { provider?: unknown; deploymentId?: unknown; retryable?: unknown };
  return (
    typeof candidate.provider === 'string' &&
    typeof candidate.deploymentId === 'string' &&
    typeof candidate.retryable === 'boolean'
  );
}

const ROUTING_CODES: Record<string, { status: number; code: ErrorCode; param?: string }> = {
  model_not_found: { status: 404, code: ErrorCode.ModelNotFound, param: 'model' },
  deployment_not_found: { status: 404, code: ErrorCode.DeploymentNotFound },
  rate_limited: { status: 429, code: ErrorCode.RateLimited },
  no_deployment_available: { status: 503, code: ErrorCode.NoDeploymentAvailable },
  deadline_exceeded: { status: 504, code: ErrorCode.DeadlineExceeded },
};

export function mapRoutingFailure(failure: RoutingFailureLike): MappedError {
  const known = ROUTING_CODES[failure.code];
  return {
    status: known?.status ?? failure.status,
    code: known?.code ?? failure.code,
    message: typeof failure.callerMessage === 'string' ? failure.callerMessage : failure.message,
    param: known?.param,
    retryAfterMs: failure.retryAfterMs,
    unexpected: false,
  };
}

/** The vendor refused what the gateway itself is configured with: our fault, never the caller's. */
const GATEWAY_MISCONFIGURED = new Set(['authentication_failed', 'permission_denied', 'model_not_found']);

/** The status a client-closed request is logged with (nginx's convention); nobody receives it. */
const CLIENT_CLOSED_STATUS = 499;

/**
 * A vendor's error that reached the caller: the vendor's own 4xx verdict on the request keeps its message;
 * credential or model-id problems on our side become an opaque 502; everything else is a 429/502/504
 * in the gateway's words. The vendor's text stays in the logs: a 429's names the gateway's organisation,
 * a proxy's 502 page names internal hosts.
 */
export function mapUpstreamFailure(failure: UpstreamFailureLike): MappedError {
  const { code, message } = failure;
  if (code === 'aborted') {
    return {
      status: CLIENT_CLOSED_STATUS,
      code: ErrorCode.ClientClosedRequest,
      message: 'The request was aborted',
      unexpected: false,
    };
  }
  if (GATEWAY_MISCONFIGURED.has(code)) {
    return {
      status: 502,
      code: ErrorCode.UpstreamError,
      message: `Deployment "${failure.deploymentId}" refused the gateway's credentials or model id`,
      unexpected: true,
    };
  }
  if (code === 'context_length_exceeded')
    return {
      status: 400,
      code: ErrorCode.ContextLengthExceeded,
      message,
      param: 'messages',
      unexpected: false,
    };
  if (code === 'content_filtered')
    return { status: 400, code: ErrorCode.ContentFiltered, message, unexpected: false };
  if (code === 'bad_request') {
    const status = failure.status >= 400 && failure.status < 500 ? failure.status : 400;
    return { status, code: ErrorCode.BadRequest, message, unexpected: false };
  }
  const deployment = `Deployment "${failure.deploymentId}"`;
  if (code === 'rate_limited') {
    return {
      status: 429,
      code: ErrorCode.RateLimited,
      message: `${deployment} is rate limited by its provider`,
      retryAfterMs: failure.retryAfterMs,
      unexpected: false,
    };
  }
  if (code === 'timeout')
    return {
      status: 504,
      code: ErrorCode.UpstreamTimeout,
      message: `${deployment} did not answer in time`,
      unexpected: false,
    };
  return {
    status: 502,
    code: ErrorCode.UpstreamError,
    message: `${deployment} failed (${code})`,
    unexpected: false,
  };
}
