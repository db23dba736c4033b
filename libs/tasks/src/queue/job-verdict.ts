/** What the queue should do with a job after its handler ran. */
export type JobVerdict =
  /** Done with it: succeeded, cancelled, taken over, or nothing left to do. */
  | { kind: 'finished' }
  /** Failed for good (and recorded on the row): the job goes to the failed set with this reason. */
  | { kind: 'failed'; reason: string }
  /** Failed, may succeed later: retry with backoff. */
  | { kind: 'retry'; reason: string }
  /** The worker is stopping: the job goes back to the queue now. */
  | { kind: 'returned' };

/** A job as its processor sees it. */
export interface JobDelivery {
  taskId: string;
  /** Failed runs of this job so far (a takeover after a crash is not one). */
  attemptsMade: number;
  maxAttempts: number;
}
