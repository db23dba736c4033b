import type { DeploymentConfig } from '@app/config';
import { deploymentConfig } from '../router/testing/fixtures';
import { CAPACITY_KEY_TTL_MS, CAPACITY_WINDOW_MS, windowStartOf } from './capacity-window';
import { MemoryCapacityLimiter } from './memory-capacity-limiter';

const deployment = (id: string, limits: { rpm?: number; tpm?: number }): DeploymentConfig =>
  deploymentConfig(id, limits);

/** The same scenarios as the Redis limiter's e2e spec (test/llm/capacity-limiter.e2e-spec.ts). */
describe('MemoryCapacityLimiter', () => {
  /** the tests move time by hand: 15 s into a minute-aligned window */
  let now: number;
  const clock = (): number => now;
  let limiter: MemoryCapacityLimiter;

  beforeEach(() => {
    now = windowStartOf(1_700_000_000_000) + 15_000;
    limiter = new MemoryCapacityLimiter({ clock });
  });

  it('refuses the (rpm+1)th request with the time until a slot frees up', async () => {
    const d = deployment('d-rpm', { rpm: 3 });
    for (let i = 0; i < 3; i++) expect((await limiter.reserve(d, 10)).ok).toBe(true);
    // 3 in this window: the next slot frees once a third of them slid out, 20 s into the next window
    expect(await limiter.reserve(d, 10)).toEqual({ ok: false, reason: 'rpm', retryAfterMs: 45_000 + 20_000 });
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: 0, tokens: null });

    now += 64_000;
    expect((await limiter.reserve(d, 10)).ok).toBe(false);
    now += 1_000;
    expect((await limiter.reserve(d, 10)).ok).toBe(true);
  });

  it('does not let a burst through at the window boundary (sliding approximation)', async () => {
    const d = deployment('d-edge', { rpm: 10 });
    now = windowStartOf(now) + 59_000;
    for (let i = 0; i < 10; i++) expect((await limiter.reserve(d, 0)).ok).toBe(true);
    now += 2_000; // 1 s into the next window: fixed windows would admit 10 more here
    // 10 × (1 - t/60 s) + 1 ≤ 10 once t ≥ 6 s: 5 s from now
    expect(await limiter.reserve(d, 0)).toEqual({ ok: false, reason: 'rpm', retryAfterMs: 5_000 });
    now += 5_000;
    expect((await limiter.reserve(d, 0)).ok).toBe(true);
  });

  it('forgets a window two minutes on: the limit is whole again', async () => {
    const d = deployment('d-slide', { rpm: 2 });
    for (let i = 0; i < 2; i++) await limiter.reserve(d, 0);
    expect((await limiter.reserve(d, 0)).ok).toBe(false);
    now += 2 * CAPACITY_WINDOW_MS;
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: 2, tokens: null });
    expect((await limiter.reserve(d, 0)).ok).toBe(true);
  });

  it('counts token estimates against TPM and corrects them on settle', async () => {
    const d = deployment('d-tpm', { tpm: 1_000 });
    const first = await limiter.reserve(d, 600);
    if (!first.ok) throw new Error('expected the first reservation to pass');
    expect(first.reservation).toEqual({
      deploymentId: 'd-tpm',
      estimatedTokens: 600,
      windowStart: windowStartOf(now),
    });

    const refused = await limiter.reserve(d, 600);
    expect(refused).toMatchObject({ ok: false, reason: 'tpm' });
    if (refused.ok) return;
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(2 * CAPACITY_WINDOW_MS);
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: null, tokens: 400 });

    limiter.settle(first.reservation, 300);
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: null, tokens: 700 });
    limiter.settle(first.reservation, 300); // a second settle of the same reservation is ignored
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: null, tokens: 700 });

    const second = await limiter.reserve(d, 600);
    expect(second.ok).toBe(true);
    if (second.ok) limiter.settle(second.reservation, 650); // used more than estimated
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: null, tokens: 50 });
  });

  it('settles into the window the reservation was counted in, even after the minute turned', async () => {
    const d = deployment('d-turn', { tpm: 10_000 });
    const decision = await limiter.reserve(d, 1_000);
    if (!decision.ok) throw new Error('expected admission');
    now += CAPACITY_WINDOW_MS; // 15 s into the next window: the previous one weighs 3/4
    limiter.settle(decision.reservation, 100);
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: null, tokens: 10_000 - 75 });
  });

  it('drops a settle whose window expired instead of recreating it', async () => {
    const d = deployment('d-late', { tpm: 10_000 });
    const decision = await limiter.reserve(d, 1_000);
    if (!decision.ok) throw new Error('expected admission');
    now += CAPACITY_KEY_TTL_MS + 1;
    limiter.settle(decision.reservation, 9_000);
    now = decision.reservation.windowStart + CAPACITY_WINDOW_MS + 1; // back in its next window
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: null, tokens: 10_000 });
  });

  it('admits a request larger than the whole TPM budget only into an idle window', async () => {
    const d = deployment('d-huge', { tpm: 1_000 });
    expect((await limiter.reserve(d, 5_000)).ok).toBe(true);
    expect(await limiter.reserve(d, 5_000)).toMatchObject({ ok: false, reason: 'tpm' });
  });

  it('reports the longer wait when both limits are exceeded', async () => {
    const d = deployment('d-both', { rpm: 1, tpm: 100 });
    expect((await limiter.reserve(d, 100)).ok).toBe(true);
    const refused = await limiter.reserve(d, 100);
    // rpm frees at 45 s + 60 s (1 × weight ≤ 0); tpm needs 100 × weight + 100 ≤ 100: the same instant
    expect(refused).toMatchObject({ ok: false, retryAfterMs: 105_000 });
    const tokensOnly = await limiter.reserve(deployment('d-both', { rpm: 10, tpm: 100 }), 50);
    expect(tokensOnly).toMatchObject({ ok: false, reason: 'tpm' });
  });

  it('keeps deployments apart, and one limit for every caller of the same instance', async () => {
    const a = deployment('d-a', { rpm: 50 });
    const b = deployment('d-b', { rpm: 50 });
    const decisions = await Promise.all(Array.from({ length: 100 }, () => limiter.reserve(a, 100)));
    expect(decisions.filter((decision) => decision.ok)).toHaveLength(50);
    expect(decisions.filter((decision) => !decision.ok && decision.reason === 'rpm')).toHaveLength(50);
    await expect(limiter.remaining(b)).resolves.toEqual({ requests: 50, tokens: null });
  });

  it('costs nothing for a deployment without limits: no window is kept, settle is a no-op', async () => {
    const unlimited = deployment('d-free', {});
    for (let i = 0; i < 10; i++) {
      const decision = await limiter.reserve(unlimited, 500);
      expect(decision.ok).toBe(true);
      if (decision.ok) limiter.settle(decision.reservation, 800);
    }
    await expect(limiter.remaining(unlimited)).resolves.toEqual({ requests: null, tokens: null });
    const limited = deployment('d-free', { rpm: 1 });
    expect((await limiter.reserve(limited, 0)).ok).toBe(true); // nothing was counted above
  });

  it('does not correct tokens of a deployment that only limits requests', async () => {
    const d = deployment('d-rpm-only', { rpm: 100 });
    const decision = await limiter.reserve(d, 500);
    if (decision.ok) limiter.settle(decision.reservation, 900);
    const withTokens = deployment('d-rpm-only', { rpm: 100, tpm: 1_000 });
    await expect(limiter.remaining(withTokens)).resolves.toEqual({ requests: 99, tokens: 1_000 });
  });

  it('treats odd token counts as the Redis limiter does (rounded up, never negative)', async () => {
    const d = deployment('d-odd', { tpm: 1_000 });
    const decision = await limiter.reserve(d, 10.2);
    if (!decision.ok) throw new Error('expected admission');
    expect(decision.reservation.estimatedTokens).toBe(11);
    expect((await limiter.reserve(d, Number.NaN)).ok).toBe(true);
    expect((await limiter.reserve(d, -5)).ok).toBe(true);
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: null, tokens: 989 });
  });
});
