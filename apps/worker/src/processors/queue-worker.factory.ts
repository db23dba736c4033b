import type { AppConfig } from '@app/config';
import { WORKER_ID, type QueueName, type TaskJobData, type TaskQueues } from '@app/tasks';
import { Logger } from '@nestjs/common';
import { createWorker } from '@app/redis';
import type { Job, Worker } from 'bullmq';

/**
 * A BullMQ worker on one of the task queues, sharing the queues' connection. Locks are
 * renewed at half tasks.lockDurationMs while a job runs; when a worker dies its jobs' locks lapse and the
 * stalled check of any other worker (every tasks.stalledIntervalMs) puts them back in the queue.
 */
export function createQueueWorker(
  queue: QueueName,
  process: (job: Job<TaskJobData>, token: string | undefined) => Promise<void>,
  queues: TaskQueues,
  config: AppConfig,
): Worker<TaskJobData> {
  const logger = new Logger(`QueueWorker:${queue}`);
  const worker = createWorker<TaskJobData>(queue, process, queues.connection, {
    name: WORKER_ID,
    concurrency: config.tasks.concurrency,
    lockDuration: config.tasks.lockDurationMs,
    stalledInterval: config.tasks.stalledIntervalMs,
    maxStalledCount: config.tasks.maxStalledCount,
  });
  worker.on('error', (error) => logger.warn({ err: error.message }, 'queue worker error'));
  worker.on('stalled', (jobId) =>
    logger.warn({ taskId: jobId }, 'job of a dead worker put back in the queue'),
  );
  return worker;
}

/** Part of server.shutdownTimeoutMs given to running jobs; the rest is for handing the others back. */
export function drainBudgetMs(config: AppConfig): number {
  return Math.floor(config.server.shutdownTimeoutMs * 0.75);
}
