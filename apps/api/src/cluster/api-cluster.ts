import type { LoggerService } from '@nestjs/common';
import nodeCluster, { type Cluster, type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';

/** `server.processes` as a number: `auto` is one process per CPU this process may use. */
export function apiProcessCount(setting: number | 'auto', cpus: () => number = availableParallelism): number {
  return setting === 'auto' ? Math.max(1, cpus()) : setting;
}

export interface ApiClusterOptions {
  processes: number;
  /** a worker's own graceful shutdown bound (server.shutdownTimeoutMs); the primary waits a little longer */
  shutdownTimeoutMs: number;
  logger: LoggerService;
  /** first delay before a crashed worker is replaced; doubles while workers die before listening */
  restartDelayMs?: number;
  /** injectable for tests */
  cluster?: Pick<Cluster, 'fork'>;
  exit?: (code: number) => void;
  onSignal?: (signal: NodeJS.Signals, handler: () => void) => void;
}

const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The primary of an api cluster: forks `processes` api workers that share the listening port (node:cluster
 * hands connections out round-robin), one event loop each. The first worker starts alone, so that start-up
 * work done by every api process (migrations, the bootstrap admin) never runs concurrently; the others
 * start once it listens. A worker that dies is replaced; SIGTERM/SIGINT is passed on to every worker and
 * the primary exits when they all have (0 if each exited cleanly).
 */
export function runApiCluster(options: ApiClusterOptions): void {
  const cluster = options.cluster ?? nodeCluster;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const onSignal =
    options.onSignal ?? ((signal: NodeJS.Signals, handler: () => void) => process.on(signal, handler));
  const { logger, processes } = options;
  const baseDelay = options.restartDelayMs ?? 1_000;
  const workers = new Set<Worker>();
  let restartDelay = baseDelay;
  let stopping = false;
  let firstListening = false;
  let listeningCount = 0;
  let failedExit = false;

  const fork = (): void => {
    const worker = cluster.fork();
    workers.add(worker);
    let listening = false;
    worker.once('listening', () => {
      listening = true;
      restartDelay = baseDelay;
      if (++listeningCount === processes) logger.log(`api cluster: ${processes} processes listening`);
      if (firstListening) return;
      firstListening = true;
      for (let i = 1; i < processes; i++) fork();
    });
    worker.once('exit', (code: number | null, signal: string | null) => {
      workers.delete(worker);
      if (stopping) {
        if (code !== 0) failedExit = true;
        if (workers.size === 0) exit(failedExit ? 1 : 0);
        return;
      }
      if (!firstListening) {
        // the first process could not start (bad config, database down): nothing to serve with
        logger.error(`api process exited before listening (code ${code ?? signal}); stopping`);
        return exit(1);
      }
      logger.error(`api process ${worker.process.pid} exited (code ${code ?? signal}); replacing it`);
      const delay = listening ? baseDelay : restartDelay;
      if (!listening) restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
      setTimeout(() => {
        if (!stopping) fork();
      }, delay);
    });
  };

  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal} received: stopping ${workers.size} api processes`);
    if (workers.size === 0) return exit(0);
    for (const worker of workers) worker.process.kill('SIGTERM');
    setTimeout(() => {
      logger.warn?.('api processes still running after the shutdown timeout: killing them');
      for (const worker of workers) worker.process.kill('SIGKILL');
      exit(1);
    }, options.shutdownTimeoutMs + 2_000).unref();
  };
  onSignal('SIGTERM', () => stop('SIGTERM'));
  onSignal('SIGINT', () => stop('SIGINT'));
  fork();
}
