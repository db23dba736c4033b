import type { Principal } from '@app/auth';
import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { idempotencyKeyReused, invalidTaskInput, webhookUrlRefused } from '../core/task-errors';
import { Task } from '../core/task.entity';
import { TaskRegistry } from '../handlers/task-registry';
import { TASK_QUEUE, TaskQueues } from '../queue/task-queues';
import { WebhookTargetRefusedError } from '../webhooks/ssrf-guard';
import { WebhookTargets } from '../webhooks/webhook-targets';
import { requestFingerprint } from './request-fingerprint';

export interface NewTask {
  /** The caller: the task's owner is `requestedBy.userId`. */
  requestedBy: Principal;
  type: string;
  input: unknown;
  webhookUrl?: string;
  idempotencyKey?: string;
}

export interface CreatedTask {
  task: Task;
  /** false when an earlier request with the same Idempotency-Key created it */
  created: boolean;
}

/**
 * Creates a task: the row first (status queued), then its job. A crash or a Redis outage between the two
 * leaves a queued row without a job, which the reconciler enqueues (job id = task id, so never twice).
 */
@Injectable()
export class TaskProducer {
  constructor(
    @InjectRepository(Task) private readonly tasks: Repository<Task>,
    private readonly registry: TaskRegistry,
    private readonly queues: TaskQueues,
    private readonly webhookTargets: WebhookTargets,
    private readonly config: AppConfig,
  ) {}

  async create(request: NewTask): Promise<CreatedTask> {
    const handler = this.registry.find(request.type);
    if (!handler) throw invalidTaskInput([`type must be one of: ${this.registry.types.join(', ')}`]);
    const input = handler.parseInput(request.input, this.config.tasks);
    const requestHash = requestFingerprint({
      type: request.type,
      input: request.input,
      webhookUrl: request.webhookUrl,
    });
    if (request.idempotencyKey) {
      const earlier = await this.findByKey(request.requestedBy.userId, request.idempotencyKey);
      if (earlier) return { task: sameRequestOrConflict(earlier, requestHash), created: false };
    }
    if (request.webhookUrl) await this.assertWebhookAllowed(request.webhookUrl);

    const inserted = await this.tasks
      .createQueryBuilder()
      .insert()
      .into(Task)
      .values({
        ownerId: request.requestedBy.userId,
        requestedBy: request.requestedBy,
        type: handler.type,
        input: input as object,
        status: 'queued',
        progressDone: 0,
        progressTotal: handler.totalSteps(input),
        attempts: 0,
        idempotencyKey: request.idempotencyKey ?? null,
        requestHash,
        webhookUrl: request.webhookUrl ?? null,
        webhookAttempts: 0,
      })
      .orIgnore()
      .returning('id')
      .execute();
    const id = (inserted.raw as { id: string }[])[0]?.id;
    if (!id) {
      // A concurrent request with the same Idempotency-Key won the insert.
      const winner = await this.findByKey(request.requestedBy.userId, request.idempotencyKey!);
      if (!winner) throw new Error('task insert was ignored but no task holds its idempotency key');
      return { task: sameRequestOrConflict(winner, requestHash), created: false };
    }
    await this.queues.enqueueOrDefer(TASK_QUEUE, id);
    return { task: await this.tasks.findOneByOrFail({ id }), created: true };
  }

  private findByKey(ownerId: string, idempotencyKey: string): Promise<Task | null> {
    return this.tasks.findOneBy({ ownerId, idempotencyKey });
  }

  private async assertWebhookAllowed(url: string): Promise<void> {
    try {
      await this.webhookTargets.vet(url);
    } catch (error) {
      if (error instanceof WebhookTargetRefusedError) throw webhookUrlRefused(error.message);
      throw error;
    }
  }
}

function sameRequestOrConflict(task: Task, requestHash: string): Task {
  if (task.requestHash !== requestHash) throw idempotencyKeyReused();
  return task;
}
