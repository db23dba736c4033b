import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Background tasks (libs/tasks): one row per task, the source of truth its BullMQ job is checked against. */
export class Tasks1795392000000 implements MigrationInterface {
  name = 'Tasks1795392000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE tasks (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        owner_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        requested_by jsonb NOT NULL,
        type text NOT NULL,
        input jsonb NOT NULL,
        status text NOT NULL DEFAULT 'queued'
          CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        progress_done integer NOT NULL DEFAULT 0 CHECK (progress_done >= 0),
        progress_total integer NOT NULL DEFAULT 1 CHECK (progress_total >= 0),
        result jsonb,
        error jsonb,
        attempts integer NOT NULL DEFAULT 0,
        idempotency_key text,
        request_hash text NOT NULL,
        run_id uuid,
        worker_id text,
        heartbeat_at timestamptz,
        webhook_url text,
        webhook_status text CHECK (webhook_status IN ('pending', 'delivered', 'failed')),
        webhook_attempts integer NOT NULL DEFAULT 0,
        webhook_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz,
        CONSTRAINT tasks_owner_idempotency_key UNIQUE (owner_id, idempotency_key)
      )`);
    // A caller's list, newest first, with or without a status filter (keyset pagination on created_at, id).
    await queryRunner.query(
      `CREATE INDEX tasks_owner_created_idx ON tasks (owner_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX tasks_owner_status_created_idx ON tasks (owner_id, status, created_at DESC, id DESC)`,
    );
    // The reconciler's scan: only tasks that still have to run.
    await queryRunner.query(
      `CREATE INDEX tasks_pending_status_idx ON tasks (status, updated_at) WHERE status IN ('queued', 'running')`,
    );
    await queryRunner.query(
      `CREATE INDEX tasks_webhook_pending_idx ON tasks (finished_at) WHERE webhook_status = 'pending'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE tasks`);
  }
}
