import type { JobLookup } from '../queue/task-queues';

export type TaskRepair =
  /** The queue has it in hand (waiting, delayed, retrying, or running with a live lock). */
  | 'leave'
  /** No job (crash between the row and the enqueue, Redis lost its data): add one. */
  | 'enqueue'
  /** A finished job still holds the id, so adding would be a no-op: remove it, then add. */
  | 'replace-job'
  /** The job failed for good without the row saying so (stalled too often, a crash while failing). */
  | 'fail';

/**
 * What to do about a task that should be moving but has not for a while (queued and untouched, or running
 * without a heartbeat), given what the queue holds for it. A running task whose worker is gone and whose
 * job is gone too goes back to queued before the new job is added.
 */
export function planTaskRepair(job: JobLookup): TaskRepair {
  switch (job) {
    case 'missing':
      return 'enqueue';
    case 'completed':
      return 'replace-job';
    case 'failed':
      return 'fail';
    default:
      return 'leave';
  }
}

export type WebhookRepair = 'leave' | 'enqueue' | 'mark-failed';

/** A finished task whose webhook is still pending a while after it finished. */
export function planWebhookRepair(job: JobLookup): WebhookRepair {
  if (job === 'missing') return 'enqueue';
  if (job === 'failed') return 'mark-failed';
  return 'leave';
}
