export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/**
 * Redis keys of one caller's counters. The `{tracker}` hash tag keeps a caller's keys in one cluster
 * slot, so one script may touch all of them.
 */
export function requestCounterKey(prefix: string, tracker: string, throttlerName: string): string {
  return `${prefix}rate:{${tracker}}:${throttlerName}`;
}

export interface TokenWindows {
  minuteKey: string;
  dayKey: string;
  /** ms until the current minute / UTC day ends */
  minuteResetMs: number;
  dayResetMs: number;
}

/** Token usage is counted in fixed windows: the current clock minute and the current UTC day. */
export function tokenWindows(prefix: string, tracker: string, now: number): TokenWindows {
  const minute = Math.floor(now / MINUTE_MS);
  const day = Math.floor(now / DAY_MS);
  return {
    minuteKey: `${prefix}tokens:{${tracker}}:m:${minute}`,
    dayKey: `${prefix}tokens:{${tracker}}:d:${day}`,
    minuteResetMs: (minute + 1) * MINUTE_MS - now,
    dayResetMs: (day + 1) * DAY_MS - now,
  };
}
