import { HttpException } from '@nestjs/common';
import { isDependencyOutage } from './dependency-outage';
import { DomainException } from './domain-exception';
import { ErrorCode } from './error-codes';
import {
  isRoutingFailure,
  isUpstreamFailure,
  mapRoutingFailure,
  mapUpstreamFailure,
} from './gateway-failures';

export interface MappedError {
  status: number;
  code: string;
  message: string;
  details?: unknown[];
  /** the request field at fault, when one is (OpenAI's `param`) */
  param?: string;
  retryAfterMs?: number;
  headers?: Record<string, string>;
  /** true when the error is ours (a bug or an outage), logged with an error id */
  unexpected: boolean;
}

/** Retry-After of a 503 caused by PostgreSQL or Redis being away. */
const DEPENDENCY_OUTAGE_RETRY_AFTER_MS = 2_000;

const STATUS_CODES: Record<number, ErrorCode> = {
  400: ErrorCode.BadRequest,
  401: ErrorCode.Unauthorized,
  403: ErrorCode.Forbidden,
  404: ErrorCode.NotFound,
  405: ErrorCode.MethodNotAllowed,
  409: ErrorCode.Conflict,
  413: ErrorCode.PayloadTooLarge,
  415: ErrorCode.UnsupportedMediaType,
  422: ErrorCode.ValidationFailed,
  429: ErrorCode.RateLimited,
  503: ErrorCode.ServiceUnavailable,
};

/** Fastify's own errors (body parsing, limits) carry `code: FST_...` and `statusCode`. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    code: ErrorCode.PayloadTooLarge,
    message: 'Request body is larger than allowed',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: ErrorCode.UnsupportedMediaType,
    message: 'Unsupported Content-Type',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: ErrorCode.InvalidJson,
    message: 'Body is empty but Content-Type is application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: ErrorCode.BadRequest,
    message: 'Content-Length does not match the body',
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: ErrorCode.InvalidJson, message: 'Body is not valid JSON' },
};

interface FastifyLikeError {
  code?: unknown;
  statusCode?: unknown;
  message?: unknown;
}

export function mapError(exception: unknown): MappedError {
  if (exception instanceof DomainException) {
    return {
      status: exception.status,
      code: exception.code,
      message: exception.message,
      details: exception.details,
      ...(exception.param === undefined ? {} : { param: exception.param }),
      retryAfterMs: exception.retryAfterMs,
      headers: exception.headers,
      unexpected: exception.status >= 500 && exception.status !== 503,
    };
  }
  if (exception instanceof HttpException) return mapHttpException(exception);
  // A vendor's error may carry the attempts too (for analytics): its own shape decides first.
  if (isUpstreamFailure(exception)) return mapUpstreamFailure(exception);
  if (isRoutingFailure(exception)) return mapRoutingFailure(exception);
  if (isDependencyOutage(exception)) {
    // Our outage (logged with an error id), but one a retry may get past: 503, not 500.
    return {
      status: 503,
      code: ErrorCode.ServiceUnavailable,
      message: 'A backing service is temporarily unavailable; retry shortly',
      retryAfterMs: DEPENDENCY_OUTAGE_RETRY_AFTER_MS,
      unexpected: true,
    };
  }
  const fastify = exception as FastifyLikeError | null;
  if (
    fastify &&
    typeof fastify === 'object' &&
    typeof fastify.statusCode === 'number' &&
    fastify.statusCode < 500
  ) {
    const known = typeof fastify.code === 'string' ? FASTIFY_CODES[fastify.code] : undefined;
    if (known) return { status: fastify.statusCode, ...known, unexpected: false };
    if (exception instanceof SyntaxError) {
      return {
        status: 400,
        code: ErrorCode.InvalidJson,
        message: 'Body is not valid JSON',
        unexpected: false,
      };
    }
    return {
      status: fastify.statusCode,
      code: STATUS_CODES[fastify.statusCode] ?? ErrorCode.BadRequest,
      message: typeof fastify.message === 'string' ? fastify.message : 'Bad request',
      unexpected: false,
    };
  }
  return { status: 500, code: ErrorCode.Internal, message: 'Internal server error', unexpected: true };
}

function mapHttpException(exception: HttpException): MappedError {
  const status = exception.getStatus();
  const response = exception.getResponse();
  let message = exception.message;
  let details: unknown[] | undefined;
  if (typeof response === 'object' && response !== null) {
    const body = response as { message?: unknown };
    if (Array.isArray(body.message)) {
      details = body.message;
      message = validationSummary(details);
    } else if (typeof body.message === 'string') {
      message = body.message;
    }
  }
  if (status === 404 && /^Cannot [A-Z]+ /.test(message)) {
    return {
      status,
      code: ErrorCode.RouteNotFound,
      message: `No route: ${message.slice('Cannot '.length)}`,
      unexpected: false,
    };
  }
  const code =
    details && status === 400
      ? ErrorCode.ValidationFailed
      : (STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.Internal : ErrorCode.BadRequest));
  const param = details && status === 400 ? fieldOfValidationMessage(details[0]) : undefined;
  return {
    status,
    code,
    message,
    details,
    ...(param === undefined ? {} : { param }),
    unexpected: status >= 500 && status !== 503,
  };
}

/** Clients that show only `message` (every OpenAI SDK) still learn what was wrong. */
function validationSummary(details: unknown[]): string {
  const first = details[0];
  if (typeof first !== 'string') return 'Request validation failed';
  const more =
    details.length > 1 ? ` (and ${details.length - 1} more problem${details.length > 2 ? 's' : ''})` : '';
  return `Request validation failed: ${first}${more}`;
}

/**
 * The ValidationPipe's messages start with the property path (`messages.0.role must be ...`, or
 * `messages.0.property foo should not exist`, `each value in stop must be ...`); OpenAI names the same
 * field `messages[0].role`.
 */
export function fieldOfValidationMessage(detail: unknown): string | undefined {
  if (typeof detail !== 'string') return undefined;
  const unknownProperty = /^(?:([\w.]+)\.)?property (\S+) should not exist/.exec(detail);
  const path = unknownProperty
    ? [unknownProperty[1], unknownProperty[2]].filter(Boolean).join('.')
    : /^(?:each value in )?([A-Za-z_]\w*(?:\.\w+)*) /.exec(detail)?.[1];
  return path?.replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}
