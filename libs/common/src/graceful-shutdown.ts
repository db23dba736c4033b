import type { LoggerService } from '@nestjs/common';

/**
 * SIGTERM/SIGINT: run `close` (drain requests, finish jobs) once, exit 0 when it resolves, exit 1 when
 * it fails or takes longer than `timeoutMs`.
 */
export function exitGracefullyOnSignals(
  close: () => Promise<void>,
  timeoutMs: number,
  logger: LoggerService,
): void {
  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    logger.log(`${signal} received: shutting down within ${timeoutMs} ms`);
    const force = setTimeout(() => {
      logger.warn?.('shutdown timeout reached, exiting');
      process.exit(1);
    }, timeoutMs);
    force.unref();
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error(error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

/** Last resort for a failed start: one line on stderr (no secrets: config errors never carry values). */
export function exitOnStartupFailure(processName: string): (error: unknown) => void {
  return (error) => {
    process.stderr.write(
      `${processName} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  };
}
