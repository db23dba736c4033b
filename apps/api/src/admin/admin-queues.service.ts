import { AppConfig } from '@app/config';
import { DomainException, ErrorCode } from '@app/common';
import { closeQueueConnection, createQueue, openQueueConnection, type QueueConnection } from '@app/redis';
import { Task, TASK_QUEUE, TASK_STATUSES, WEBHOOK_QUEUE, type TaskStatus } from '@app/tasks';
import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Queue } from 'bullmq';
import type { Repository } from 'typeorm';

/** BullMQ job states shown on the dashboard. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueCounts {
  name: string;
  counts: Record<JobState, number>;
}

export interface FailedTaskSummary {
  id: string;
  ownerId: string;
  type: string;
  attempts: number;
  error: { code: string; message: string } | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface QueuesOverview {
  queues: QueueCounts[];
  tasksByStatus: Record<TaskStatus, number>;
  recentFailures: FailedTaskSummary[];
}

const REDIS_TIMEOUT_MS = 3_000;

/**
 * Read-only view of the task queues for admins: BullMQ job counts per queue and, from the tasks table
 * (the source of truth), counts by status across every user and the latest failures with their reasons.
 * Its Redis connection is opened on first use, so an api nobody looks at pays nothing.
 */
@Injectable()
export class AdminQueuesService implements OnApplicationShutdown {
  private connection?: QueueConnection;
  private queues?: Queue[];

  constructor(
    private readonly config: AppConfig,
    @InjectRepository(Task) private readonly tasks: Repository<Task>,
  ) {}

  async overview(failureLimit: number): Promise<QueuesOverview> {
    const [queues, statusRows, failures] = await Promise.all([
      this.queueCounts(),
      this.tasks
        .createQueryBuilder('task')
        .select('task.status', 'status')
        .addSelect('count(*)::int', 'count')
        .groupBy('task.status')
        .getRawMany<{ status: TaskStatus; count: number }>(),
      this.tasks.find({
        where: { status: 'failed' },
        order: { finishedAt: 'DESC', createdAt: 'DESC' },
        take: failureLimit,
      }),
    ]);
    const tasksByStatus = Object.fromEntries(TASK_STATUSES.map((s) => [s, 0])) as Record<TaskStatus, number>;
    for (const row of statusRows) tasksByStatus[row.status] = Number(row.count);
    return {
      queues,
      tasksByStatus,
      recentFailures: failures.map((task) => ({
        id: task.id,
        ownerId: task.ownerId,
        type: task.type,
        attempts: task.attempts,
        error: task.error,
        createdAt: task.createdAt,
        finishedAt: task.finishedAt,
      })),
    };
  }

  private async queueCounts(): Promise<QueueCounts[]> {
    const queues = this.openQueues();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new DomainException({
              status: 503,
              code: ErrorCode.ServiceUnavailable,
              message: 'Redis did not answer for the queue counts',
            }),
          ),
        REDIS_TIMEOUT_MS,
      );
    });
    const counts = Promise.all(
      queues.map(async (queue) => ({
        name: queue.name,
        counts: (await queue.getJobCounts(...JOB_STATES)) as Record<JobState, number>,
      })),
    );
    counts.catch(() => undefined);
    try {
      return await Promise.race([counts, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  private openQueues(): Queue[] {
    if (!this.queues) {
      const connection = openQueueConnection(this.config, 'admin');
      this.connection = connection;
      this.queues = [TASK_QUEUE, WEBHOOK_QUEUE].map((name) => createQueue(name, connection));
    }
    return this.queues;
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all((this.queues ?? []).map((queue) => queue.close().catch(() => undefined)));
    await closeQueueConnection(this.connection);
  }
}
