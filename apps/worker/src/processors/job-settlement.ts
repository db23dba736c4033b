import type { JobDelivery, JobVerdict, TaskJobData } from '@app/tasks';
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';

/**
 * Turns a handler's verdict into what BullMQ understands: return = completed, UnrecoverableError = failed
 * with the reason (no more attempts), any other error = retry with backoff, WaitingError after moveToWait =
 * back in the queue now (no attempt counted).
 */
export async function settleJob(job: Job, token: string | undefined, verdict: JobVerdict): Promise<void> {
  switch (verdict.kind) {
    case 'finished':
      return;
    case 'failed':
      throw new UnrecoverableError(verdict.reason);
    case 'retry':
      throw new Error(verdict.reason);
    case 'returned':
      await job.moveToWait(token);
      throw new WaitingError();
  }
}

/** The queue's view of a delivery, as TaskRunner and WebhookDelivery take it. */
export function deliveryOf(job: Job<TaskJobData>): JobDelivery {
  return { taskId: job.data.taskId, attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 };
}
