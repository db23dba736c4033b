import { isDependencyOutage } from '@app/common';
import { AppConfig } from '@app/config';
import {
  ActiveRuns,
  TASK_QUEUE,
  TaskQueues,
  TaskRunner,
  type JobVerdict,
  type TaskJobData,
} from '@app/tasks';
import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DelayedError, type Job, type Worker } from 'bullmq';
import { deliveryOf, settleJob } from './job-settlement';
import { createQueueWorker, drainBudgetMs } from './queue-worker.factory';

/** How long a task whose run a database outage interrupted waits before it is run again. */
const OUTAGE_RETRY_DELAY_MS = 1_000;

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
    let verdict: JobVerdict;
    try {
      verdict = await this.runner.run(deliveryOf(job));
    } catch (error) {
      if (!isDependencyOutage(error)) throw error;
      // PostgreSQL went away under the run: not the task's fault, and no attempt must be spent on it
      // (a few quick retries would fail it for good during an outage). Run it again a little later.
      this.logger.warn(
        { taskId: job.data.taskId, err: (error as Error).message },
        `task run interrupted by a database outage; trying again in ${OUTAGE_RETRY_DELAY_MS} ms`,
      );
      await job.moveToDelayed(Date.now() + OUTAGE_RETRY_DELAY_MS, token);
      throw new DelayedError();
    }
    await settleJob(job, token, verdict);
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
