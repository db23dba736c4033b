/** The slice of a Nest `Logger` (or pino) these classes need. */
export interface WarnLogger {
  warn(message: string): void;
}

/**
 * Logs a warning at most once per interval and counts what it swallowed, so a Redis outage under load
 * produces one line every few seconds instead of one per request.
 */
export class ThrottledWarning {
  private lastLoggedAt = Number.NEGATIVE_INFINITY;
  private suppressed = 0;

  constructor(
    private readonly logger: WarnLogger,
    private readonly intervalMs: number,
    private readonly clock: () => number,
  ) {}

  warn(message: string): void {
    const now = this.clock();
    if (now - this.lastLoggedAt < this.intervalMs) {
      this.suppressed += 1;
      return;
    }
    const suffix = this.suppressed > 0 ? ` (${this.suppressed} similar warnings suppressed)` : '';
    this.lastLoggedAt = now;
    this.suppressed = 0;
    this.logger.warn(`${message}${suffix}`);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
