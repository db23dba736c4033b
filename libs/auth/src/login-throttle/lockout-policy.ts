export interface LockoutPolicy {
  /** Failures before the subject is locked at all. */
  threshold: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface FailureRecord {
  failures: number;
  lastFailureAt: number;
}

/** Lock length after `failures` failures: none below the threshold, then base · 2^(failures − threshold), capped. */
export function lockDurationMs(failures: number, policy: LockoutPolicy): number {
  if (failures < policy.threshold) return 0;
  const doublings = Math.min(failures - policy.threshold, 40);
  return Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** doublings);
}

/** How long the subject stays locked from `now` (0 = may try). */
export function lockRemainingMs(
  record: FailureRecord | undefined,
  now: number,
  policy: LockoutPolicy,
): number {
  if (!record) return 0;
  return Math.max(0, record.lastFailureAt + lockDurationMs(record.failures, policy) - now);
}
