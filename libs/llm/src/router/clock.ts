/** Something that can be refreshed (restarted with its original delay) — Node's Timeout is one. */
export interface Timer {
  refresh(): unknown;
}

/** Time as the router sees it; tests pass a fake so backoff, timeouts and breaker cooldowns run instantly. */
export interface RouterClock {
  /** Monotonic milliseconds. */
  now(): number;
  setTimer(callback: () => void, ms: number): Timer;
  clearTimer(timer: Timer): void;
  /** Resolves after `ms`, or as soon as `signal` aborts; never rejects. */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

/** setTimeout fires at once for delays above 2^31-1 ms; clamp instead. */
const MAX_TIMER_MS = 2_147_483_647;

export const systemClock: RouterClock = {
  now: () => performance.now(),
  setTimer: (callback, ms) => setTimeout(callback, Math.min(ms, MAX_TIMER_MS)),
  // only timers made by setTimer above reach here
  clearTimer: (timer) => clearTimeout(timer as NodeJS.Timeout),
  sleep: (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(ms, MAX_TIMER_MS));
      signal.addEventListener('abort', wake, { once: true });
    }),
};
