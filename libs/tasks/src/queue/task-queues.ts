import { AppConfig } from '@app/config';
import { closeQueueConnection, createQueue, openQueueConnection, type QueueConnection } from '@app/redis';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { JobsOptions, JobState, Queue } from 'bullmq';

export const TASK_QUEUE = 'tasks';
export const WEBHOOK_QUEUE = 'task-webhooks';

/** A job carries only the task id: the row in PostgreSQL is the source of truth. */
export interface TaskJobData {
  taskId: string;
}

export type QueueName = typeof TASK_QUEUE | typeof WEBHOOK_QUEUE;
export type JobLookup = JobState | 'missing';

export { bullmqPrefix } from '@app/redis';

const KEEP_COMPLETED = { age: 3_600 };
const KEEP_FAILED = { age: 7 * 24 * 3_600 };

/**
 * The task and webhook queues over one BullMQ connection. The job id is the task id, so adding a job
 * again (a retry of POST /tasks, the reconciler) is a no-op while the job exists.
 */
@Injectable()
export class TaskQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('TaskQueues');
  readonly connection: QueueConnection;
  private readonly queues: Record<QueueName, Queue<TaskJobData>>;
  private readonly jobOptions: Record<QueueName, JobsOptions>;

  constructor(private readonly config: AppConfig) {
    this.connection = openQueueConnection(config, 'tasks');
    this.queues = {
      [TASK_QUEUE]: createQueue<TaskJobData>(TASK_QUEUE, this.connection),
      [WEBHOOK_QUEUE]: createQueue<TaskJobData>(WEBHOOK_QUEUE, this.connection),
    };
    const { tasks } = config;
    this.jobOptions = {
      [TASK_QUEUE]: {
        attempts: tasks.maxAttempts,
        backoff: { type: 'exponential', delay: tasks.backoffMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
      [WEBHOOK_QUEUE]: {
        attempts: tasks.webhooks.maxAttempts,
        backoff: { type: 'exponential', delay: tasks.webhooks.backoffMs },
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      },
    };
  }

  /** Adds the task's job (idempotent). Rejects when the queue store does not take it within `timeoutMs`. */
  async enqueue(
    queue: QueueName,
    taskId: string,
    timeoutMs = this.config.redis.connectTimeoutMs,
  ): Promise<void> {
    const added = this.queues[queue].add(queue, { taskId }, { ...this.jobOptions[queue], jobId: taskId });
    // The add stays in ioredis' offline queue when Redis is away and may still land later: harmless.
    added.catch(() => undefined);
    await withTimeout(added, timeoutMs, `enqueue ${queue} job ${taskId}`);
  }

  /** Adds the job; a failure is logged, not thrown: the reconciler enqueues whatever is still missing. */
  async enqueueOrDefer(queue: QueueName, taskId: string): Promise<void> {
    try {
      await this.enqueue(queue, taskId);
    } catch (error) {
      this.logger.warn(
        { taskId, queue, err: (error as Error).message },
        'could not enqueue; the reconciler will enqueue it later',
      );
    }
  }

  async jobState(queue: QueueName, taskId: string): Promise<JobLookup> {
    const state = await this.queues[queue].getJobState(taskId);
    return state === 'unknown' ? 'missing' : state;
  }

  async failedReason(queue: QueueName, taskId: string): Promise<string | undefined> {
    return (await this.queues[queue].getJob(taskId))?.failedReason;
  }

  /** Removes a job that is not running (a queued task that was cancelled); false when it could not. */
  async removeJob(queue: QueueName, taskId: string): Promise<boolean> {
    try {
      return (await this.queues[queue].remove(taskId)) === 1;
    } catch {
      return false;
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.queues).map((queue) => queue.close().catch(() => undefined)));
    await closeQueueConnection(this.connection);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: no answer from the queue store within ${ms} ms`)),
      ms,
    );
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
