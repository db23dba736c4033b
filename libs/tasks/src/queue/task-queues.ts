import { AppConfig } from '@app/config';
import { createRedisClient } from '@app/redis';
import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { Queue, type JobsOptions, type JobState } from 'bullmq';
import type Redis from 'ioredis';

export const TASK_QUEUE = 'tasks';
export const WEBHOOK_QUEUE = 'task-webhooks';

/** A job carries only the task id: the row in PostgreSQL is the source of truth. */
export interface TaskJobData {
  taskId: string;
}

export type QueueName = typeof TASK_QUEUE | typeof WEBHOOK_QUEUE;
export type JobLookup = JobState | 'missing';

/** BullMQ joins prefix and queue name with ':'; `mpb:` as redis.keyPrefix gives `mpb:tasks:...` keys. */
export function bullmqPrefix(keyPrefix: string): string {
  return keyPrefix.replace(/:+$/, '') || 'bull';
}

const KEEP_COMPLETED = { age: 3_600 };
const KEEP_FAILED = { age: 7 * 24 * 3_600 };

/**
 * The task and webhook queues over one BullMQ connection. The job id is the task id, so adding a job
 * again (a retry of POST /tasks, the reconciler) is a no-op while the job exists.
 */
@Injectable()
export class TaskQueues implements OnApplicationShutdown {
  private readonly logger = new Logger('TaskQueues');
  readonly connection: Redis;
  readonly prefix: string;
  private readonly queues: Record<QueueName, Queue<TaskJobData>>;
  private readonly jobOptions: Record<QueueName, JobsOptions>;

  constructor(private readonly config: AppConfig) {
    this.connection = createRedisClient(config.redis, 'queue', 'tasks');
    this.prefix = bullmqPrefix(config.redis.keyPrefix);
    const options = { connection: this.connection, prefix: this.prefix };
    this.queues = {
      [TASK_QUEUE]: new Queue<TaskJobData>(TASK_QUEUE, options),
      [WEBHOOK_QUEUE]: new Queue<TaskJobData>(WEBHOOK_QUEUE, options),
    };
    for (const queue of Object.values(this.queues)) queue.on('error', () => undefined);
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

  /** Adds the task's job (idempotent). Rejects when Redis does not take it within `timeoutMs`. */
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
    await this.connection.quit().catch(() => this.connection.disconnect());
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer from Redis within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
