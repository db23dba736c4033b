/**
 * SQLSTATE classes that mean the batch itself is wrong (22 bad data, 23 a violated constraint): retrying
 * it cannot help. Everything else is retried: connection failures, shutdowns, deadlocks, and also
 * missing tables (a worker that started before the api ran the migrations).
 */
const PERMANENT_SQLSTATE_CLASSES = ['22', '23'];

export function isPermanentWriteError(error: unknown): boolean {
  const code = sqlState(error);
  return code !== undefined && PERMANENT_SQLSTATE_CLASSES.includes(code.slice(0, 2));
}

function sqlState(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, driverError } = error as { code?: unknown; driverError?: unknown };
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  return driverError === undefined ? undefined : sqlState(driverError);
}
