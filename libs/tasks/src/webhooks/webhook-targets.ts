import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { vetWebhookTarget, type VettedTarget, type WebhookTargetPolicy } from './ssrf-guard';

/** The SSRF guard with the configured policy (tasks.webhooks.allowPrivate / allowedHosts). */
@Injectable()
export class WebhookTargets {
  private readonly policy: WebhookTargetPolicy;

  constructor(config: AppConfig) {
    const { allowPrivate, allowedHosts } = config.tasks.webhooks;
    this.policy = { allowPrivate, allowedHosts };
  }

  /** @throws WebhookTargetRefusedError */
  vet(url: string): Promise<VettedTarget> {
    return vetWebhookTarget(url, this.policy);
  }
}
