import { AppConfig, isEmbedded } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { TASK_QUEUE, TaskQueues, WEBHOOK_QUEUE } from '../queue/task-queues';
import { WORKER_ID } from '../runner/worker-identity';
import { WebhookStore } from '../webhooks/webhook.store';
import { planTaskRepair, planWebhookRepair } from './repair-plan';
import { StaleTaskStore, type StaleTask } from './stale-task.store';

/** Tasks looked at per pass; the next pass takes the rest. */
const BATCH = 200;

/**
 * Nothing is lost between PostgreSQL and Redis: every tasks.reconcileIntervalMs one worker (a Redis lock)
 * compares stale pending tasks with their jobs and repairs the difference: a missing job is added, a job
 * that failed for good is recorded on the row, a pending webhook without a job is enqueued again.
 */
@Injectable()
export class TaskReconciler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('TaskReconciler');
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly stale: StaleTaskStore,
    private readonly webhooks: WebhookStore,
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), this.config.tasks.reconcileIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** A heartbeat-less period must span several heartbeats before a running task counts as abandoned. */
  private get staleAfterMs(): number {
    const { staleAfterMs, heartbeatIntervalMs } = this.config.tasks;
    return Math.max(staleAfterMs, 3 * heartbeatIntervalMs);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      if (await this.takeTurn()) await this.reconcile();
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'reconcile pass failed');
    } finally {
      this.running = false;
    }
  }

  /** One pass over stale tasks and pending webhooks. */
  async reconcile(): Promise<void> {
    for (const task of await this.stale.staleTasks(this.staleAfterMs, BATCH)) await this.repairTask(task);
    for (const taskId of await this.stale.pendingWebhooks(this.staleAfterMs, BATCH))
      await this.repairWebhook(taskId);
  }

  private async repairTask(task: StaleTask): Promise<void> {
    const job = await this.queues.jobState(TASK_QUEUE, task.id);
    const repair = planTaskRepair(job);
    if (repair === 'leave') return;
    if (repair === 'fail') {
      const reason = (await this.queues.failedReason(TASK_QUEUE, task.id)) ?? 'the job failed';
      const failed = await this.stale.failAbandoned(task, { code: 'task_abandoned', message: reason });
      if (!failed) return;
      this.logger.warn({ taskId: task.id, reason }, 'reconciler: job failed for good; task marked failed');
      if (failed.hasWebhook) await this.queues.enqueueOrDefer(WEBHOOK_QUEUE, task.id);
      return;
    }
    if (task.status === 'running' && !(await this.stale.requeueAbandoned(task))) return;
    if (repair === 'replace-job') await this.queues.removeJob(TASK_QUEUE, task.id);
    await this.queues.enqueue(TASK_QUEUE, task.id);
    this.logger.warn(
      { taskId: task.id, was: task.status, job },
      'reconciler: task had no live job; enqueued',
    );
  }

  private async repairWebhook(taskId: string): Promise<void> {
    const repair = planWebhookRepair(await this.queues.jobState(WEBHOOK_QUEUE, taskId));
    if (repair === 'enqueue') await this.queues.enqueue(WEBHOOK_QUEUE, taskId);
    if (repair === 'mark-failed') {
      const reason = (await this.queues.failedReason(WEBHOOK_QUEUE, taskId)) ?? 'delivery failed';
      await this.webhooks.record(taskId, { status: 'failed', error: reason });
    }
  }

  /** One reconciler per interval across all workers (embedded mode has one worker: always its turn). */
  private async takeTurn(): Promise<boolean> {
    if (isEmbedded(this.config)) return true;
    const key = `${this.config.redis.keyPrefix}task-reconciler:turn`;
    const reply = await this.redis.set(key, WORKER_ID, 'PX', this.config.tasks.reconcileIntervalMs, 'NX');
    return reply === 'OK';
  }
}
