import { AppConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { toTaskView } from '../core/task-view';
import type { JobDelivery, JobVerdict } from '../queue/job-verdict';
import { WebhookTargetRefusedError } from './ssrf-guard';
import { WebhookSecrets } from './webhook-secrets';
import { postWebhook } from './webhook-sender';
import { WEBHOOK_SIGNATURE_HEADER, webhookSignature } from './webhook-signature';
import { WebhookTargets } from './webhook-targets';
import { WebhookStore } from './webhook.store';

export const WEBHOOK_EVENT = 'task.finished';

/**
 * One delivery attempt of a finished task's webhook: `{"event":"task.finished","task":{...}}` (the task as
 * GET /tasks/:id shows it), signed with the task's secret. The target is vetted again on every attempt
 * (DNS may have changed since creation) and the connection pinned to the vetted address.
 */
@Injectable()
export class WebhookDelivery {
  private readonly logger = new Logger('WebhookDelivery');

  constructor(
    private readonly store: WebhookStore,
    private readonly targets: WebhookTargets,
    private readonly secrets: WebhookSecrets,
    private readonly config: AppConfig,
  ) {}

  async deliver(delivery: JobDelivery): Promise<JobVerdict> {
    const task = await this.store.load(delivery.taskId);
    if (!task?.webhookUrl || task.webhookStatus !== 'pending') return { kind: 'finished' };
    const body = JSON.stringify({ event: WEBHOOK_EVENT, task: toTaskView(task) });
    const timestamp = Math.floor(Date.now() / 1000);
    try {
      const target = await this.targets.vet(task.webhookUrl);
      await postWebhook({
        target,
        body,
        timeoutMs: this.config.tasks.webhooks.timeoutMs,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'manus-platform-backend-webhooks/1',
          'x-gateway-event': WEBHOOK_EVENT,
          'x-gateway-delivery': task.id,
          [WEBHOOK_SIGNATURE_HEADER]: webhookSignature(this.secrets.secretFor(task.id), body, timestamp),
        },
      });
      await this.store.record(task.id, { status: 'delivered' }, true);
      return { kind: 'finished' };
    } catch (error) {
      const reason = (error as Error).message;
      const final =
        error instanceof WebhookTargetRefusedError || delivery.attemptsMade + 1 >= delivery.maxAttempts;
      await this.store.record(task.id, { status: final ? 'failed' : 'pending', error: reason }, true);
      this.logger.warn(
        { taskId: task.id, attempt: delivery.attemptsMade + 1, final, reason },
        'webhook not delivered',
      );
      return final ? { kind: 'failed', reason } : { kind: 'retry', reason };
    }
  }
}
