import type { Principal } from '@app/auth';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { TaskStatus, WebhookStatus } from './task-status';

/** What went wrong, as stored and shown: a stable code and a message safe to show to the task's owner. */
export interface TaskError {
  code: string;
  message: string;
}

/**
 * One background task. Every status change is a guarded UPDATE (see TaskStore): the row, not the queue,
 * is the source of truth, so duplicate or late deliveries of its job never take effect twice.
 */
@Entity({ name: 'tasks' })
export class Task {
  @PrimaryGeneratedColumn('uuid') id!: string;
  @Column({ name: 'owner_id', type: 'uuid' }) ownerId!: string;
  /** Who created it (user session or API key), as of creation: the chat calls are charged to them. */
  @Column({ name: 'requested_by', type: 'jsonb' }) requestedBy!: Principal;
  @Column({ type: 'text' }) type!: string;
  /** The validated, normalised input (what the handler runs). */
  @Column({ type: 'jsonb' }) input!: object;
  @Column({ type: 'text' }) status!: TaskStatus;
  @Column({ name: 'progress_done', type: 'integer' }) progressDone!: number;
  @Column({ name: 'progress_total', type: 'integer' }) progressTotal!: number;
  /** The final result, or the partial one a running, failed or cancelled task has kept so far. */
  @Column({ type: 'jsonb', nullable: true }) result!: unknown;
  @Column({ type: 'jsonb', nullable: true }) error!: TaskError | null;
  /** Runs started (a retry or a takeover after a crash is one more). */
  @Column({ type: 'integer' }) attempts!: number;
  @Column({ name: 'idempotency_key', type: 'text', nullable: true }) idempotencyKey!: string | null;
  /** SHA-256 of type, input and webhook URL: a reused idempotency key must come with the same request. */
  @Column({ name: 'request_hash', type: 'text' }) requestHash!: string;
  /** Fencing token of the current run: only the run that holds it may write progress or finish the task. */
  @Column({ name: 'run_id', type: 'uuid', nullable: true }) runId!: string | null;
  /** host:pid of the worker process that ran it last. */
  @Column({ name: 'worker_id', type: 'text', nullable: true }) workerId!: string | null;
  @Column({ name: 'heartbeat_at', type: 'timestamptz', nullable: true }) heartbeatAt!: Date | null;
  @Column({ name: 'webhook_url', type: 'text', nullable: true }) webhookUrl!: string | null;
  @Column({ name: 'webhook_status', type: 'text', nullable: true }) webhookStatus!: WebhookStatus | null;
  @Column({ name: 'webhook_attempts', type: 'integer' }) webhookAttempts!: number;
  @Column({ name: 'webhook_error', type: 'text', nullable: true }) webhookError!: string | null;
  @Column({ name: 'created_at', type: 'timestamptz' }) createdAt!: Date;
  @Column({ name: 'updated_at', type: 'timestamptz' }) updatedAt!: Date;
  @Column({ name: 'started_at', type: 'timestamptz', nullable: true }) startedAt!: Date | null;
  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true }) finishedAt!: Date | null;
}
