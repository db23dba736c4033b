import { bullmqPrefix, writeRetryDelayMs } from './usage-queue';

describe('usage queue', () => {
  it('doubles the write retry delay up to its cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => writeRetryDelayMs(n, 500, 10_000))).toEqual([
      500, 1_000, 2_000, 4_000, 8_000, 10_000,
    ]);
    expect(writeRetryDelayMs(10_000, 500, 10_000)).toBe(10_000);
  });

  it('shares the task queues prefix convention', () => {
    expect(bullmqPrefix('mpb:')).toBe('mpb');
    expect(bullmqPrefix('')).toBe('bull');
  });
});
