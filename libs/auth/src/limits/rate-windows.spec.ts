import { requestCounterKey, tokenWindows } from './rate-windows';
import { exceededTokenBudget } from './token-budget';

describe('rate windows', () => {
  it('names per-caller keys with a cluster hash tag', () => {
    expect(requestCounterKey('mpb:', 'user:u1', 'default')).toBe('mpb:rate:{user:u1}:default');
  });

  it('splits time into clock minutes and UTC days', () => {
    const now = Date.UTC(2026, 10, 23, 13, 45, 30, 250);
    const windows = tokenWindows('p:', 'key:k1', now);
    expect(windows.minuteKey).toBe(`p:tokens:{key:k1}:m:${Math.floor(now / 60_000)}`);
    expect(windows.dayKey).toBe(`p:tokens:{key:k1}:d:${Math.floor(now / 86_400_000)}`);
    expect(windows.minuteResetMs).toBe(29_750);
    expect(windows.dayResetMs).toBe(Date.UTC(2026, 10, 24) - now);
  });
});

describe('exceededTokenBudget', () => {
  const windows = { minuteResetMs: 12_000, dayResetMs: 3_600_000 };

  it('admits while usage is below every limit, and ignores unlimited (0) limits', () => {
    expect(exceededTokenBudget({ tpm: 100, tpd: 1_000 }, { minute: 99, day: 999 }, windows)).toBeUndefined();
    expect(exceededTokenBudget({ tpm: 0, tpd: 0 }, { minute: 1e9, day: 1e9 }, windows)).toBeUndefined();
  });

  it('refuses once a window’s usage reaches its limit, until that window ends', () => {
    expect(exceededTokenBudget({ tpm: 100, tpd: 1_000 }, { minute: 100, day: 500 }, windows)).toEqual({
      window: 'minute',
      limit: 100,
      retryAfterMs: 12_000,
      windowSeconds: 60,
    });
    expect(exceededTokenBudget({ tpm: 100, tpd: 1_000 }, { minute: 150, day: 1_000 }, windows)).toEqual({
      window: 'day',
      limit: 1_000,
      retryAfterMs: 3_600_000,
      windowSeconds: 86_400,
    });
  });
});
