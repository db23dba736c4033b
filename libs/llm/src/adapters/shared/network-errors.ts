/**
 * Duck-typed, not `instanceof Error`: fetch (undici) and JSON parsing can throw errors from another
 * realm (Node's own, under Jest's VM contexts), which fail `instanceof` checks against this realm's Error.
 */
export interface ErrorLike {
  name: string;
  message: string;
  code?: unknown;
  cause?: unknown;
}

export function asErrorLike(value: unknown): ErrorLike | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { name, message } = value as { name?: unknown; message?: unknown };
  return typeof name === 'string' && typeof message === 'string' ? (value as ErrorLike) : undefined;
}

export function messageOf(error: unknown): string {
  return asErrorLike(error)?.message ?? String(error);
}

const CONNECTION_ERROR_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);
/**
 * Messages of socket failures. Unanchored phrases too: under Jest, the AWS SDK wraps a foreign-realm
 * error as "AWS SDK error wrapper for TimeoutError: socket hang up", dropping its code.
 */
const CONNECTION_ERROR_MESSAGES =
  /^(terminated|fetch failed|aborted)$|socket hang up|other side closed|\b(ECONNRESET|ECONNREFUSED|EPIPE)\b/i;

/** The error and its `cause` chain (bounded, in case of cycles). */
export function* errorChain(error: unknown): Generator<ErrorLike> {
  let current = asErrorLike(error);
  for (let depth = 0; current && depth < 8; depth++) {
    yield current;
    current = asErrorLike(current.cause);
  }
}

/** True when the error (or a cause) is the socket failing: refused, reset, closed mid-body. */
export function isConnectionFailure(error: unknown): boolean {
  for (const link of errorChain(error)) {
    if (typeof link.code === 'string' && CONNECTION_ERROR_CODES.has(link.code)) return true;
    if (CONNECTION_ERROR_MESSAGES.test(link.message)) return true;
  }
  return false;
}

/** True when the error (or a cause) says a deadline passed (Node renames resets "TimeoutError" too). */
export function isTimeoutFailure(error: unknown): boolean {
  for (const link of errorChain(error)) {
    if (link.code === 'ETIMEDOUT' || link.code === 'UND_ERR_CONNECT_TIMEOUT') return true;
    if (link.name === 'TimeoutError' && link.code !== 'ECONNRESET' && link.code !== 'EPIPE') return true;
  }
  return false;
}

/** A body or frame that is not the JSON it should be. */
export function isParseFailure(error: unknown): boolean {
  return asErrorLike(error)?.name === 'SyntaxError';
}
