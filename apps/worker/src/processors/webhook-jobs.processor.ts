import { AppConfig } from '@app/config';
import { TaskQueues, WEBHOOK_QUEUE, WebhookDelivery, type TaskJobData } from '@app/tasks';
import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Job, Worker } from 'bullmq';
import { deliveryOf, settleJob } from './job-settlement';
import { createQueueWorker } from './queue-worker.factory';

/** Delivers task webhooks; a failed attempt is retried with exponential backoff (tasks.webhooks.*). */
@Injectable()
export class WebhookJobsProcessor implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private worker?: Worker<TaskJobData>;

  constructor(
    private readonly delivery: WebhookDelivery,
    private readonly queues: TaskQueues,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = createQueueWorker(
      WEBHOOK_QUEUE,
      (job, token) => this.process(job, token),
      this.queues,
      this.config,
    );
  }

  private async process(job: Job<TaskJobData>, token: string | undefined): Promise<void> {
    await settleJob(job, token, await this.delivery.deliver(deliveryOf(job)));
  }

  /**
   * Deliveries in flight last at most tasks.webhooks.timeoutMs; one cut short by the process exiting is
   * delivered again by another worker once its lock lapses (receivers dedupe on x-gateway-delivery).
   */
  async beforeApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }
}
