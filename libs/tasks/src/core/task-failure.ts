import { mapError } from '@app/common';
import type { TaskError } from './task.entity';

/** Statuses on which running the task again may succeed (overload, timeouts, outages). */
function isTransientStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

export interface TaskFailure extends TaskError {
  /** Another run could succeed; false for what will fail the same way every time (bad input, unknown model). */
  retryable: boolean;
  /** Not the caller's fault nor the vendor's verdict: a bug or an outage here, worth a log line with the stack. */
  unexpected: boolean;
}

/** A handler's own verdict on why its task failed (e.g. every request of a batch failed). */
export class TaskFailedError extends Error {
  constructor(readonly failure: TaskFailure) {
    super(failure.message);
    this.name = 'TaskFailedError';
  }
}

/**
 * What an error means for a task, in the words the api uses for the same error (code, safe message):
 * a vendor error keeps its own `retryable` verdict, everything else is judged by its HTTP status.
 */
export function describeFailure(error: unknown): TaskFailure {
  if (error instanceof TaskFailedError) return error.failure;
  const mapped = mapError(error);
  const vendorVerdict = (error as { retryable?: unknown } | null)?.retryable;
  const retryable = typeof vendorVerdict === 'boolean' ? vendorVerdict : isTransientStatus(mapped.status);
  return { code: mapped.code, message: mapped.message, retryable, unexpected: mapped.unexpected };
}

export function taskErrorOf(failure: TaskFailure): TaskError {
  return { code: failure.code, message: failure.message };
}
