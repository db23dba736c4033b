import { DeploymentConfig } from '@app/config';
import { CAPACITY_WINDOW_MS, RedisCapacityLimiter, windowStartOf } from '@app/llm/capacity';
import Redis from 'ioredis';
import { createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../support/hermetic-services';
import { uniquePrefix } from '../support/services';
import { connectedClient, FAIL_FAST_OPTIONS, unreachableClient } from './redis-test-clients';

function deployment(id: string, limits: { rpm?: number; tpm?: number }): DeploymentConfig {
  return Object.assign(new DeploymentConfig(), {
    id,
    type: 'openai',
    apiKey: 'k',
    models: [{ name: 'm' }],
    ...limits,
  });
}

const quietLogger = () => ({ warn: jest.fn<void, [string]>() });

describe('RedisCapacityLimiter (Redis)', () => {
  let redisA: Redis;
  let redisB: Redis;
  let prefix: string;
  /** the tests move time by hand: 15 s into a minute-aligned window */
  let now: number;
  const clock = (): number => now;
  const limiterOn = (redis: Redis) =>
    new RedisCapacityLimiter(redis, { keyPrefix: prefix, clock, logger: quietLogger() });

  beforeAll(async () => {
    [redisA, redisB] = await Promise.all([connectedClient(), connectedClient()]);
  });
  afterAll(() => {
    redisA.disconnect();
    redisB.disconnect();
  });
  beforeEach(() => {
    prefix = uniquePrefix('cap');
    now = windowStartOf(Date.now()) + 15_000;
  });

  it('refuses the (rpm+1)th request with the time until a slot frees up', async () => {
    const limiter = limiterOn(redisA);
    const d = deployment('d-rpm', { rpm: 3 });
    for (let i = 0; i < 3; i++) expect((await limiter.reserve(d, 10)).ok).toBe(true);
    // 3 in this window: the next slot frees once a third of them slid out, 20 s into the next window
    const refused = await limiter.reserve(d, 10);
    expect(refused).toEqual({ ok: false, reason: 'rpm', retryAfterMs: 45_000 + 20_000 });
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: 0, tokens: null });

    now += 64_000;
    expect((await limiter.reserve(d, 10)).ok).toBe(false);
    now += 1_000;
    expect((await limiter.reserve(d, 10)).ok).toBe(true);
  });

  it('stores counters under the documented key with a TTL that outlives the next window', async () => {
    const limiter = limiterOn(redisA);
    await limiter.reserve(deployment('d-key', { rpm: 10, tpm: 1_000 }), 42);
    const key = `${prefix}cap:d-key:${Math.floor(now / CAPACITY_WINDOW_MS)}`;
    await expect(redisA.hgetall(key)).resolves.toEqual({ r: '1', t: '42' });
    const ttl = await redisA.pttl(key);
    expect(ttl).toBeGreaterThan(2 * CAPACITY_WINDOW_MS);
    expect(ttl).toBeLessThanOrEqual(2 * CAPACITY_WINDOW_MS + 10_000);
  });

  it('does not let a burst through at the window boundary (sliding approximation)', async () => {
    const limiter = limiterOn(redisA);
    const d = deployment('d-edge', { rpm: 10 });
    now = windowStartOf(now) + 59_000;
    for (let i = 0; i < 10; i++) expect((await limiter.reserve(d, 0)).ok).toBe(true);
    now += 2_000; // 1 s into the next window: fixed windows would admit 10 more here
    const refused = await limiter.reserve(d, 0);
    expect(refused.ok).toBe(false);
    // 10 × (1 - t/60 s) + 1 ≤ 10 once t ≥ 6 s: 5 s from now
    expect(refused).toMatchObject({ reason: 'rpm', retryAfterMs: 5_000 });
    now += 5_000;
    expect((await limiter.reserve(d, 0)).ok).toBe(true);
  });

  it('counts token estimates against TPM and corrects them on settle', async () => {
    const limiter = limiterOn(redisA);
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

    // commands on one connection run in order, so `remaining` sees the fire-and-forget settle
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
    const limiter = limiterOn(redisA);
    const d = deployment('d-turn', { tpm: 10_000 });
    const decision = await limiter.reserve(d, 1_000);
    if (!decision.ok) throw new Error('expected admission');
    now += CAPACITY_WINDOW_MS;
    limiter.settle(decision.reservation, 100);
    const previousKey = `${prefix}cap:d-turn:${Math.floor(decision.reservation.windowStart / CAPACITY_WINDOW_MS)}`;
    await expect(redisA.hget(previousKey, 't')).resolves.toBe('100');
  });

  it('admits a request larger than the whole TPM budget only into an idle window', async () => {
    const limiter = limiterOn(redisA);
    const d = deployment('d-huge', { tpm: 1_000 });
    expect((await limiter.reserve(d, 5_000)).ok).toBe(true);
    expect(await limiter.reserve(d, 5_000)).toMatchObject({ ok: false, reason: 'tpm' });
  });

  it('shares one limit exactly between two instances on two connections', async () => {
    const instances = [limiterOn(redisA), limiterOn(redisB)];
    const d = deployment('d-shared', { rpm: 50, tpm: 1_000_000 });
    const decisions = await Promise.all(
      Array.from({ length: 100 }, (_, i) => instances[i % 2].reserve(d, 100)),
    );
    expect(decisions.filter((decision) => decision.ok)).toHaveLength(50);
    expect(decisions.filter((decision) => !decision.ok && decision.reason === 'rpm')).toHaveLength(50);
    await expect(instances[1].remaining(d)).resolves.toEqual({ requests: 0, tokens: 1_000_000 - 50 * 100 });

    const byTokens = deployment('d-shared-tpm', { tpm: 5_000 });
    const tokenDecisions = await Promise.all(
      Array.from({ length: 100 }, (_, i) => instances[i % 2].reserve(byTokens, 100)),
    );
    expect(tokenDecisions.filter((decision) => decision.ok)).toHaveLength(50);
  });

  it('costs one round-trip per attempt with limits and none without', async () => {
    const redis = await connectedClient();
    try {
      const limiter = limiterOn(redis);
      const sent = jest.spyOn(redis, 'sendCommand');

      const unlimited = deployment('d-free', {});
      for (let i = 0; i < 10; i++) {
        const decision = await limiter.reserve(unlimited, 500);
        expect(decision.ok).toBe(true);
        if (decision.ok) limiter.settle(decision.reservation, 800);
      }
      await expect(limiter.remaining(unlimited)).resolves.toEqual({ requests: null, tokens: null });
      expect(sent).not.toHaveBeenCalled();

      const limited = deployment('d-paid', { rpm: 100, tpm: 100_000 });
      const reservations = [];
      for (let i = 0; i < 10; i++) {
        const decision = await limiter.reserve(limited, 500);
        if (decision.ok) reservations.push(decision.reservation);
      }
      expect(sent).toHaveBeenCalledTimes(10);
      for (const reservation of reservations.slice(1)) limiter.settle(reservation, 500); // no difference: nothing to send
      expect(sent).toHaveBeenCalledTimes(10);
      limiter.settle(reservations[0], 700);
      expect(sent).toHaveBeenCalledTimes(11);

      const rpmOnly = deployment('d-rpm-only', { rpm: 100 });
      const decision = await limiter.reserve(rpmOnly, 500);
      if (decision.ok) limiter.settle(decision.reservation, 900); // tokens are not limited: nothing to correct
      expect(sent).toHaveBeenCalledTimes(12);
    } finally {
      redis.disconnect();
    }
  });

  it('reloads its script after Redis forgot it (SCRIPT FLUSH)', async () => {
    const limiter = limiterOn(redisA);
    const d = deployment('d-flush', { rpm: 5 });
    expect((await limiter.reserve(d, 0)).ok).toBe(true);
    await redisB.script('FLUSH');
    expect((await limiter.reserve(d, 0)).ok).toBe(true);
    await expect(limiter.remaining(d)).resolves.toEqual({ requests: 3, tokens: null });
  });

  describe('when Redis is unreachable', () => {
    it('fails open at once, warning once per interval', async () => {
      const redis = await unreachableClient();
      try {
        const logger = quietLogger();
        const limiter = new RedisCapacityLimiter(redis, {
          keyPrefix: prefix,
          clock,
          logger,
          warningIntervalMs: 30_000,
        });
        const d = deployment('d-down', { rpm: 1, tpm: 10 });
        const started = performance.now();
        const decisions = await Promise.all(Array.from({ length: 20 }, () => limiter.reserve(d, 100)));
        expect(performance.now() - started).toBeLessThan(100);
        expect(decisions.every((decision) => decision.ok)).toBe(true);
        const first = decisions[0];
        if (first.ok) {
          const { reservation } = first;
          expect(() => limiter.settle(reservation, 5)).not.toThrow();
        }
        expect(logger.warn).toHaveBeenCalledTimes(1);
        now += 30_000;
        await limiter.reserve(d, 100);
        expect(logger.warn).toHaveBeenCalledTimes(2);
        expect(logger.warn.mock.calls[1][0]).toMatch(/failing open.*19 similar warnings suppressed/);
        await expect(limiter.remaining(d)).rejects.toThrow();
      } finally {
        redis.disconnect();
      }
    });

    it('fails closed (rejects) when failOpen is false', async () => {
      const redis = await unreachableClient();
      try {
        const limiter = new RedisCapacityLimiter(redis, {
          keyPrefix: prefix,
          clock,
          failOpen: false,
          logger: quietLogger(),
        });
        await expect(limiter.reserve(deployment('d-down', { rpm: 1 }), 1)).rejects.toThrow();
      } finally {
        redis.disconnect();
      }
    });

    it('fails open within the command timeout when a connected Redis stops answering', async () => {
      const sockets: Socket[] = [];
      const blackhole: Server = createServer((socket) => sockets.push(socket)); // accepts, never replies
      const port = await freePort();
      await new Promise<void>((resolve) => blackhole.listen(port, '127.0.0.1', resolve));
      const redis = new Redis(`redis://127.0.0.1:${port}`, {
        ...FAIL_FAST_OPTIONS,
        enableReadyCheck: false,
        disableClientInfo: true,
        disconnectTimeout: 50,
        commandTimeout: 150,
      });
      redis.on('error', () => undefined);
      try {
        await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
        const logger = quietLogger();
        const limiter = new RedisCapacityLimiter(redis, { keyPrefix: prefix, clock, logger });
        const started = performance.now();
        const decision = await limiter.reserve(deployment('d-hung', { rpm: 1 }), 1);
        const elapsed = performance.now() - started;
        expect(decision.ok).toBe(true);
        expect(elapsed).toBeGreaterThanOrEqual(140);
        expect(elapsed).toBeLessThan(1_000);
        expect(logger.warn.mock.calls[0][0]).toMatch(/timed out/i);
      } finally {
        redis.disconnect();
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => blackhole.close(() => resolve()));
      }
    });
  });
});
