import type { CallerLimits } from './caller-limits';
import { rateHit, type RateHit, type TokenKeys } from './caller-rate.storage';
import { HEADROOM_FRESH_MS, headroomOf, RateHeadroom } from './rate-headroom';

const KEY = 'p:rate:{key:k1}:default';
const NO_TOKEN_LIMITS: CallerLimits = { rpm: 100, tpm: 0, tpd: 0 };
const T0 = 1_800_000_000_000;

function answer(
  hits: number,
  opts: { windowLeftMs?: number; retryAfterMs?: number; tokens?: RateHit['tokens'] } = {},
): RateHit {
  return rateHit(hits, opts.windowLeftMs ?? 30_000, opts.retryAfterMs ?? 0, opts.tokens);
}

describe('RateHeadroom', () => {
  it('waits for the store until it has answered for the caller', () => {
    const headroom = new RateHeadroom();
    expect(headroom.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0)).toBeUndefined();
    headroom.observe(KEY, answer(1), undefined, T0, false);
    expect(headroom.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0 + 5)).toMatchObject({
      record: { totalHits: 2, isBlocked: false },
      retryAfterMs: 0,
      windowLeftMs: 29_995,
    });
  });

  it('counts what it admitted until the store confirms it, and stops a tenth below the limit', () => {
    const headroom = new RateHeadroom();
    headroom.observe(KEY, answer(80), undefined, T0, false);
    const admitted: number[] = [];
    for (let i = 0; i < 20; i++) {
      const hit = headroom.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0 + 1);
      if (hit) admitted.push(hit.record.totalHits);
    }
    expect(headroomOf(100)).toBe(10);
    expect(admitted).toEqual([81, 82, 83, 84, 85, 86, 87, 88, 89, 90]);
    // the store confirms the first of them: still nine unconfirmed, so still no room
    headroom.observe(KEY, answer(81), undefined, T0 + 2, true);
    expect(headroom.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0 + 3)).toBeUndefined();
  });

  it('admits at most a tenth of the limit before the store has confirmed them', () => {
    const headroom = new RateHeadroom();
    headroom.observe(KEY, answer(1), undefined, T0, false);
    const admitted = Array.from({ length: 30 }, () =>
      headroom.admit(KEY, 200, NO_TOKEN_LIMITS, undefined, T0 + 1),
    );
    expect(admitted.filter(Boolean)).toHaveLength(20);
    headroom.observe(KEY, answer(2), undefined, T0 + 2, true);
    expect(headroom.admit(KEY, 200, NO_TOKEN_LIMITS, undefined, T0 + 3)).toBeDefined();
  });

  it('never admits on an estimate with a small limit, a stale answer, a closing window or a block', () => {
    const small = new RateHeadroom();
    small.observe(KEY, answer(1), undefined, T0, false);
    expect(small.admit(KEY, 99, NO_TOKEN_LIMITS, undefined, T0 + 1)).toBeUndefined();

    const stale = new RateHeadroom();
    stale.observe(KEY, answer(1), undefined, T0, false);
    expect(stale.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0 + HEADROOM_FRESH_MS + 1)).toBeUndefined();

    const closing = new RateHeadroom();
    closing.observe(KEY, answer(1, { windowLeftMs: 300 }), undefined, T0, false);
    expect(closing.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0 + 100)).toBeUndefined();

    const blocked = new RateHeadroom();
    blocked.observe(KEY, answer(1, { retryAfterMs: 5_000 }), undefined, T0, false);
    expect(blocked.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0 + 1)).toBeUndefined();

    const forgotten = new RateHeadroom();
    forgotten.observe(KEY, answer(1), undefined, T0, false);
    forgotten.forget(KEY);
    expect(forgotten.admit(KEY, 100, NO_TOKEN_LIMITS, undefined, T0 + 1)).toBeUndefined();
  });

  it('needs the token usage of the same windows, a tenth below each budget', () => {
    const limits: CallerLimits = { rpm: 100, tpm: 1_000, tpd: 10_000 };
    const minute: TokenKeys = { minuteKey: 'p:tok:m:1', dayKey: 'p:tok:d:1' };
    const nextMinute: TokenKeys = { minuteKey: 'p:tok:m:2', dayKey: 'p:tok:d:1' };
    const headroom = new RateHeadroom();

    headroom.observe(KEY, answer(1, { tokens: { minute: 899, day: 5_000 } }), minute, T0, false);
    expect(headroom.admit(KEY, 100, limits, minute, T0 + 1)).toMatchObject({
      tokens: { minute: 899, day: 5_000 },
    });
    expect(headroom.admit(KEY, 100, limits, nextMinute, T0 + 1)).toBeUndefined();

    headroom.observe(KEY, answer(3, { tokens: { minute: 900, day: 5_000 } }), minute, T0 + 2, false);
    expect(headroom.admit(KEY, 100, limits, minute, T0 + 3)).toBeUndefined();

    headroom.observe(KEY, answer(4, { tokens: { minute: 10, day: 9_000 } }), minute, T0 + 4, false);
    expect(headroom.admit(KEY, 100, limits, minute, T0 + 5)).toBeUndefined();
  });
});
