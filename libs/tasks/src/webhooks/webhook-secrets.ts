import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { createHmac, hkdfSync } from 'node:crypto';

/**
 * Each task's webhook secret is derived from one signing key (tasks.webhooks.signingKey, else a key derived
 * from auth.jwtSecret): it is shown to the caller when the task is created and never stored, so neither
 * the database nor a log line holds it. Changing the key changes every task's secret.
 */
@Injectable()
export class WebhookSecrets {
  private readonly key: Buffer;

  constructor(config: AppConfig) {
    const { signingKey } = config.tasks.webhooks;
    this.key = signingKey
      ? Buffer.from(signingKey, 'utf8')
      : Buffer.from(
          hkdfSync('sha256', config.auth.jwtSecret, 'manus-platform-backend', 'task-webhook-signing', 32),
        );
  }

  secretFor(taskId: string): string {
    return `whsec_${createHmac('sha256', this.key).update(`task:${taskId}`).digest('base64url')}`;
  }
}
