import { AppConfig } from '@app/config';
import { ActiveRuns, TASK_QUEUE, TaskQueues, TaskRunner, type TaskJobData } from '@app/tasks';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { deliveryOf, settleJob } from './job-settlement';
import { createQueueWorker, drainBudgetMs } from './queue-worker.factory';

/**
 * Runs task jobs (tasks.concurrency at a time). On shutdown it takes no new job and lets running ones
 * finish within the drain budget; runs still going then are aborted and handed back to the queue at once,
 * so another worker resumes them (from their partial results) without waiting for a lock to lapse.
 */
@Injectable()
export class TaskJobsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('TaskJobsProcessor');
  private worker?: Worker<TaskJobData>;

  constructor(
    private readonly runner: TaskRunner,
    private readonly runs: ActiveRuns,
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = createQueueWorker(
      TASK_QUEUE,
      (job, token) => this.process(job, token),
      this.queues,
      this.config,
    );
    this.logger.log(`processing ${TASK_QUEUE} jobs, ${this.config.tasks.concurrency} at a time`);
  }

  private async process(job: Job<TaskJobData>, token: string | undefined): Promise<void> {
    await settleJob(job, token, await this.runner.run(deliveryOf(job)));
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.worker) return;
    const closed = this.worker.close();
    const budgetMs = drainBudgetMs(this.config);
    const handBack = setTimeout(() => {
      if (this.runs.size === 0) return;
      this.logger.warn(`${this.runs.size} task run(s) still going after ${budgetMs} ms: handing them back`);
      this.runs.abortAll('shutdown');
    }, budgetMs);
    try {
      await closed;
    } finally {
      clearTimeout(handBack);
    }
  }
}
