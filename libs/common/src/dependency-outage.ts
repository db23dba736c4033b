/**
 * Whether an error means a backing service (PostgreSQL, Redis) could not be reached or dropped the
 * connection, as opposed to a bug or a bad query: the request may succeed when retried shortly, so the
 * caller gets a 503 with Retry-After instead of a 500. Vendor failures never get here (they are
 * ProviderErrors, mapped before).
 */
export function isDependencyOutage(error: unknown): boolean {
  for (let current = error, depth = 0; current && typeof current === 'object' && depth < 3; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && (NETWORK_ERROR_CODES.has(code) || POSTGRES_UNAVAILABLE.test(code)))
      return true;
    if (typeof message === 'string' && DRIVER_OUTAGE_MESSAGES.some((pattern) => pattern.test(message)))
      return true;
    // TypeORM's QueryFailedError keeps the driver's error here; pg-pool errors may carry a cause.
    const inner = current as { driverError?: unknown; cause?: unknown };
    current = inner.driverError ?? inner.cause;
  }
  return false;
}

/** Node's socket errors on a connection to a dependency. */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

/**
 * PostgreSQL SQLSTATEs of an unavailable server: class 08 (connection exception), admin/crash shutdown
 * and "the database system is starting up" (57P01-57P03), too many connections (53300).
 */
const POSTGRES_UNAVAILABLE = /^(08[0-9A-Z]{3}|57P0[123]|53300)$/;

/** What pg, pg-pool and ioredis say when the connection is gone or never came. */
const DRIVER_OUTAGE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error/,
  /^Connection is closed\.?$/,
  /Stream isn't writeable and enableOfflineQueue options is false/,
  /^Command timed out$/,
  // pg's query_timeout (database.queryTimeoutMs): the server did not answer in time
  /^Query read timeout$/,
];
