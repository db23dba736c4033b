import { ErrorCode } from './error-codes';

export interface DomainExceptionInit {
  status: number;
  code: ErrorCode | string;
  message: string;
  details?: unknown[];
  /** The request field at fault (OpenAI's `param`), e.g. `max_tokens` or `messages[0].role`. */
  param?: string;
  retryAfterMs?: number;
  headers?: Record<string, string>;
  cause?: unknown;
}

/** Thrown by services; the one exception filter turns it into the error body and status. */
export class DomainException extends Error {
  readonly status: number;
  readonly code: string;
  readonly details?: unknown[];
  readonly param?: string;
  readonly retryAfterMs?: number;
  readonly headers?: Record<string, string>;

  constructor(init: DomainExceptionInit) {
    super(init.message, { cause: init.cause });
    this.name = 'DomainException';
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
    this.param = init.param;
    this.retryAfterMs = init.retryAfterMs;
    this.headers = init.headers;
  }

  static notFound(what: string): DomainException {
    return new DomainException({ status: 404, code: ErrorCode.NotFound, message: `${what} not found` });
  }

  static badRequest(message: string, details?: unknown[]): DomainException {
    return new DomainException({ status: 400, code: ErrorCode.BadRequest, message, details });
  }
}
