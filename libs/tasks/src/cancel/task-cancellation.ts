import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { taskNotCancellable } from '../core/task-errors';
import { PENDING_STATUSES } from '../core/task-status';
import { Task } from '../core/task.entity';
import { TaskSignals } from '../events/task-signals';
import { TaskQueries } from '../query/task-queries';
import { TASK_QUEUE, TaskQueues, WEBHOOK_QUEUE } from '../queue/task-queues';

/**
 * DELETE /tasks/:id. The row turns `cancelled` at once, in one guarded UPDATE (queued or running only), so
 * a worker that picks the job up later never starts it and a running one can no longer finish it; the
 * Redis signal then makes the running worker abort the upstream call.
 */
@Injectable()
export class TaskCancellation {
  constructor(
    @InjectRepository(Task) private readonly tasks: Repository<Task>,
    private readonly queries: TaskQueries,
    private readonly queues: TaskQueues,
    private readonly signals: TaskSignals,
  ) {}

  /** @returns the task as it is now (already cancelled is fine); 409 when it finished first. */
  async cancel(ownerId: string, id: string): Promise<Task> {
    const before = await this.queries.get(ownerId, id);
    if (before.status === 'cancelled') return before;
    const { affected } = await this.tasks
      .createQueryBuilder()
      .update(Task)
      .set({
        status: 'cancelled',
        finishedAt: () => 'now()',
        updatedAt: () => 'now()',
        webhookStatus: () => `CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' END`,
      })
      .where('id = :id AND owner_id = :ownerId AND status IN (:...pending)', {
        id,
        ownerId,
        pending: PENDING_STATUSES,
      })
      .execute();
    const after = await this.queries.get(ownerId, id);
    if (!affected) {
      if (after.status === 'cancelled') return after;
      throw taskNotCancellable(after.status);
    }
    await this.signals.cancelRequested(id);
    await this.signals.changed(id, {
      status: 'cancelled',
      done: after.progressDone,
      total: after.progressTotal,
    });
    await this.queues.removeJob(TASK_QUEUE, id);
    if (after.webhookUrl) await this.queues.enqueueOrDefer(WEBHOOK_QUEUE, id);
    return after;
  }
}
