/** Limits are per minute: every instance counts into the same minute-aligned window keys. */
export const CAPACITY_WINDOW_MS = 60_000;

/**
 * Counters outlive their own minute by one more, because the next window reads them as its "previous"
 * window; the extra slack absorbs clock skew between instances.
 */
export const CAPACITY_KEY_TTL_MS = 2 * CAPACITY_WINDOW_MS + 10_000;

export function windowStartOf(nowMs: number): number {
  return Math.floor(nowMs / CAPACITY_WINDOW_MS) * CAPACITY_WINDOW_MS;
}

export function capacityKey(keyPrefix: string, deploymentId: string, windowStartMs: number): string {
  return `${keyPrefix}cap:${deploymentId}:${Math.floor(windowStartMs / CAPACITY_WINDOW_MS)}`;
}
