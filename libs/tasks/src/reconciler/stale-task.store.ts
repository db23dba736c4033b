import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import type { PendingStatus } from '../core/task-status';
import { Task, type TaskError } from '../core/task.entity';

export interface StaleTask {
  id: string;
  status: PendingStatus;
  runId: string | null;
}

/** The reconciler's reads and writes; staleness is judged by the database clock alone. */
@Injectable()
export class StaleTaskStore {
  constructor(@InjectRepository(Task) private readonly tasks: Repository<Task>) {}

  /** Queued tasks untouched, and running tasks without a heartbeat, for `staleAfterMs`. */
  async staleTasks(staleAfterMs: number, limit: number): Promise<StaleTask[]> {
    const rows = await this.tasks.query<{ id: string; status: PendingStatus; run_id: string | null }[]>(
      `SELECT id, status, run_id FROM tasks
       WHERE (status = 'queued' AND updated_at < now() - $1 * interval '1 millisecond')
          OR (status = 'running' AND COALESCE(heartbeat_at, updated_at) < now() - $1 * interval '1 millisecond')
       ORDER BY updated_at
       LIMIT $2`,
      [staleAfterMs, limit],
    );
    return rows.map((row) => ({ id: row.id, status: row.status, runId: row.run_id }));
  }

  /** A running task whose worker is gone goes back to queued (only if nothing changed since it was read). */
  async requeueAbandoned(task: StaleTask): Promise<boolean> {
    const [, affected] = await this.tasks.query<[unknown, number]>(
      `UPDATE tasks SET status = 'queued', run_id = NULL, updated_at = now()
       WHERE id = $1 AND status = 'running' AND run_id IS NOT DISTINCT FROM $2`,
      [task.id, task.runId],
    );
    return affected === 1;
  }

  /** @returns undefined when the task changed since it was read */
  async failAbandoned(task: StaleTask, error: TaskError): Promise<{ hasWebhook: boolean } | undefined> {
    const [rows] = await this.tasks.query<[{ webhook_url: string | null }[], number]>(
      `UPDATE tasks SET status = 'failed', error = $3, finished_at = now(), updated_at = now(),
         webhook_status = CASE WHEN webhook_url IS NULL THEN NULL ELSE 'pending' END
       WHERE id = $1 AND status = $4 AND run_id IS NOT DISTINCT FROM $2
       RETURNING webhook_url`,
      [task.id, task.runId, JSON.stringify(error), task.status],
    );
    return rows[0] && { hasWebhook: rows[0].webhook_url !== null };
  }

  /** Finished tasks whose webhook is still pending `staleAfterMs` after they finished. */
  async pendingWebhooks(staleAfterMs: number, limit: number): Promise<string[]> {
    const rows = await this.tasks.query<{ id: string }[]>(
      `SELECT id FROM tasks
       WHERE webhook_status = 'pending' AND finished_at < now() - $1 * interval '1 millisecond'
       ORDER BY finished_at
       LIMIT $2`,
      [staleAfterMs, limit],
    );
    return rows.map((row) => row.id);
  }
}
