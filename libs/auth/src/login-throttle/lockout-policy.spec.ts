import { lockDurationMs, lockRemainingMs, type LockoutPolicy } from './lockout-policy';

const POLICY: LockoutPolicy = { threshold: 3, baseDelayMs: 1_000, maxDelayMs: 60_000 };

describe('login lockout backoff', () => {
  it('does not lock below the threshold', () => {
    expect([0, 1, 2].map((n) => lockDurationMs(n, POLICY))).toEqual([0, 0, 0]);
  });

  it('doubles the lock with each failure past the threshold, up to the cap', () => {
    expect([3, 4, 5, 6, 7, 8, 9].map((n) => lockDurationMs(n, POLICY))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000,
    ]);
    expect(lockDurationMs(10_000, POLICY)).toBe(60_000);
  });

  it('counts the lock from the last failure', () => {
    const record = { failures: 4, lastFailureAt: 10_000 };
    expect(lockRemainingMs(record, 10_000, POLICY)).toBe(2_000);
    expect(lockRemainingMs(record, 11_500, POLICY)).toBe(500);
    expect(lockRemainingMs(record, 12_000, POLICY)).toBe(0);
    expect(lockRemainingMs({ failures: 2, lastFailureAt: 10_000 }, 10_000, POLICY)).toBe(0);
    expect(lockRemainingMs(undefined, 10_000, POLICY)).toBe(0);
  });
});
