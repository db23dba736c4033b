import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { PENDING_STATUSES } from '../core/task-status';
import { Task, type TaskError } from '../core/task.entity';
import type { TaskProgress } from '../handlers/task-handler';
import type { ActiveRun } from './active-runs';

const WEBHOOK_DUE = `CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' END`;

export type RunEnd =
  | { status: 'succeeded'; result: unknown }
  /** The partial result kept so far stays. */
  | { status: 'failed'; error: TaskError };

/**
 * The run's side of a task's life, every write guarded in SQL: a run starts only from queued/running
 * (never from a final status), and only the run holding `run_id` may write progress or finish the task.
 * A duplicate or late delivery of the job therefore never takes effect twice.
 */
@Injectable()
export class TaskRunStore {
  constructor(@InjectRepository(Task) private readonly tasks: Repository<Task>) {}

  /** Takes the task for a new run; null when it is cancelled or already finished. */
  async claim(taskId: string, runId: string, workerId: string): Promise<Task | null> {
    const { affected } = await this.tasks
      .createQueryBuilder()
      .update(Task)
      .set({
        status: 'running',
        runId,
        workerId,
        attempts: () => 'attempts + 1',
        heartbeatAt: () => 'now()',
        startedAt: () => 'COALESCE(started_at, now())',
        updatedAt: () => 'now()',
      })
      .where('id = :taskId AND status IN (:...pending)', { taskId, pending: PENDING_STATUSES })
      .execute();
    return affected ? this.tasks.findOneBy({ id: taskId, runId }) : null;
  }

  /** @returns false when the run no longer holds the task */
  async checkpoint(run: ActiveRun, progress: TaskProgress, partial?: unknown): Promise<boolean> {
    const { affected } = await this.tasks
      .createQueryBuilder()
      .update(Task)
      .set({
        progressDone: progress.done,
        progressTotal: progress.total,
        ...(partial === undefined ? {} : { result: partial as object }),
        heartbeatAt: () => 'now()',
        updatedAt: () => 'now()',
      })
      .where('id = :taskId AND run_id = :runId AND status = :running', { ...run, running: 'running' })
      .execute();
    return affected === 1;
  }

  /** Marks the runs as alive; returns the ids of the tasks they still hold. */
  async heartbeat(runs: readonly ActiveRun[]): Promise<Set<string>> {
    if (runs.length === 0) return new Set();
    const [rows] = await this.tasks.query<[{ id: string }[], number]>(
      `UPDATE tasks SET heartbeat_at = now()
       WHERE status = 'running' AND (id, run_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))
       RETURNING id`,
      [runs.map((r) => r.taskId), runs.map((r) => r.runId)],
    );
    return new Set(rows.map((row) => row.id));
  }

  /** @returns false when the run no longer held the task (cancelled meanwhile, or taken over) */
  async finish(run: ActiveRun, end: RunEnd): Promise<boolean> {
    const { affected } = await this.tasks
      .createQueryBuilder()
      .update(Task)
      .set({
        status: end.status,
        ...(end.status === 'succeeded'
          ? { result: end.result as object, error: null, progressDone: () => 'progress_total' }
          : { error: end.error }),
        finishedAt: () => 'now()',
        updatedAt: () => 'now()',
        webhookStatus: () => WEBHOOK_DUE,
      })
      .where('id = :taskId AND run_id = :runId AND status = :running', { ...run, running: 'running' })
      .execute();
    return affected === 1;
  }

  /** Back to queued for a retry or a hand-back at shutdown; `error` records why the run failed. */
  async requeue(run: ActiveRun, error: TaskError | null): Promise<boolean> {
    const { affected } = await this.tasks
      .createQueryBuilder()
      .update(Task)
      .set({ status: 'queued', error, runId: null, updatedAt: () => 'now()' })
      .where('id = :taskId AND run_id = :runId AND status = :running', { ...run, running: 'running' })
      .execute();
    return affected === 1;
  }
}
