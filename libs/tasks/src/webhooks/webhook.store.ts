import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { WebhookStatus } from '../core/task-status';
import { Task } from '../core/task.entity';

export interface WebhookOutcome {
  status: WebhookStatus;
  error?: string;
}

/** The webhook columns of a task; only a pending webhook changes (delivered and failed are final). */
@Injectable()
export class WebhookStore {
  constructor(@InjectRepository(Task) private readonly tasks: Repository<Task>) {}

  load(taskId: string): Promise<Task | null> {
    return this.tasks.findOneBy({ id: taskId });
  }

  async record(taskId: string, outcome: WebhookOutcome, attempted = false): Promise<void> {
    await this.tasks
      .createQueryBuilder()
      .update(Task)
      .set({
        webhookStatus: outcome.status,
        webhookError: outcome.error ?? null,
        ...(attempted ? { webhookAttempts: () => 'webhook_attempts + 1' } : {}),
        updatedAt: () => 'now()',
      })
      .where(`id = :taskId AND webhook_status = 'pending'`, { taskId })
      .execute();
  }
}
