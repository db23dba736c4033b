/** The BullMQ queue usage batches wait in between the recorders (api, worker) and the writer (worker). */
export const USAGE_QUEUE = 'usage-events';
export const USAGE_BATCH_JOB = 'usage-batch';
/** Maintenance (the retention purge), apart so it never queues behind batches. */
export const USAGE_MAINTENANCE_QUEUE = 'usage-maintenance';
export const USAGE_PURGE_JOB = 'usage-purge';

export type { UsageBatchJob } from './usage-batch-codec';

export { bullmqPrefix } from '@app/redis';

/**
 * Retry delay of a batch PostgreSQL did not take: doubles per try up to a cap, and the job is tried
 * (practically) forever, so an outage of any length loses nothing.
 */
export function writeRetryDelayMs(attemptsMade: number, baseMs: number, maxMs: number): number {
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 30);
  return Math.min(baseMs * 2 ** exponent, maxMs);
}

/** BullMQ needs a number: a billion tries at the capped delay outlasts any outage. */
export const WRITE_ATTEMPTS = 1_000_000_000;
export const WRITE_BACKOFF_TYPE = 'usage-write';
