import { HealthMonitor } from '@app/llm/health';
import { ProviderError } from '@app/llm/core';
import Redis from 'ioredis';
import { uniquePrefix } from '../support/services';
import { connectedClient, unreachableClient } from './redis-test-clients';

const failure = () => ({
  ok: false,
  latencyMs: 20,
  error: new ProviderError({
    code: 'upstream_unavailable',
    message: 'overloaded',
    status: 503,
    provider: 'openai',
    deploymentId: 'd1',
  }),
});
const quietLogger = () => ({ warn: jest.fn<void, [string]>() });

describe('HealthMonitor shared through Redis', () => {
  let redisApi: Redis;
  let redisWorker: Redis;
  let prefix: string;
  let now: number;
  const clock = (): number => now;

  beforeAll(async () => {
    [redisApi, redisWorker] = await Promise.all([connectedClient(), connectedClient()]);
  });
  afterAll(() => {
    redisApi.disconnect();
    redisWorker.disconnect();
  });
  beforeEach(() => {
    prefix = uniquePrefix('health');
    now = Date.now();
  });

  const monitorOn = (redis: Redis, instanceId: string) =>
    new HealthMonitor({ redis, keyPrefix: prefix, instanceId, clock, logger: quietLogger() });

  it('merges the views of two instances: requests summed, error rate over both', async () => {
    const api = monitorOn(redisApi, 'api-1');
    const worker = monitorOn(redisWorker, 'worker-1');
    for (let i = 0; i < 30; i++) api.attemptFinished('d1', { ok: true, latencyMs: 100, ttftMs: 30 });
    for (let i = 0; i < 10; i++)
      worker.attemptFinished('d1', i < 2 ? failure() : { ok: true, latencyMs: 1_000 });
    worker.attemptStarted('d1');
    api.attemptFinished('d2', { ok: true, latencyMs: 50 });
    await Promise.all([api.flush(), worker.flush()]);

    await expect(redisApi.hkeys(`${prefix}health:d1`)).resolves.toEqual(
      expect.arrayContaining(['api-1', 'worker-1']),
    );
    const ttl = await redisApi.pttl(`${prefix}health:d1`);
    expect(ttl).toBeGreaterThan(0);

    const shared = await api.sharedSnapshot(['d1', 'd2', 'unknown']);
    expect(shared.d1).toMatchObject({
      requests: 40,
      errorRate: 0.05,
      inFlight: 1,
      instances: 2,
      state: 'healthy',
    });
    expect(shared.d1.lastError).toMatchObject({ code: 'upstream_unavailable', message: 'overloaded' });
    // 30 samples near 100 ms and 8 near 1 s: the median is the fast one, p95 the slow one
    expect(shared.d1.latencyP50Ms).toBeGreaterThan(90);
    expect(shared.d1.latencyP50Ms).toBeLessThan(110);
    expect(shared.d1.latencyP95Ms).toBeGreaterThan(900);
    expect(shared.d1.ttftP50Ms).toBeGreaterThan(27);
    expect(shared.d2).toMatchObject({ requests: 1, instances: 1 });
    // the asking instance always counts itself, with its live (not last flushed) view
    expect(shared.unknown).toMatchObject({ requests: 0, instances: 1, state: 'healthy' });

    // each instance's own snapshot stays local
    expect(worker.snapshot('d1')).toMatchObject({ requests: 10, errorRate: 0.2 });
  });

  it('leaves out and removes reports of instances that stopped flushing', async () => {
    const live = monitorOn(redisApi, 'live');
    const gone = monitorOn(redisWorker, 'gone');
    gone.attemptFinished('d1', failure());
    await gone.flush();
    now += 60_000;
    live.attemptFinished('d1', { ok: true, latencyMs: 100 });
    await live.flush();

    const shared = await live.sharedSnapshot(['d1']);
    expect(shared.d1).toMatchObject({ requests: 1, errorRate: 0, instances: 1 });
    await expect(redisApi.hkeys(`${prefix}health:d1`)).resolves.toEqual(['live']);
  });

  it('flushes on a timer off the request path, and once more on stop', async () => {
    const api = new HealthMonitor({
      redis: redisApi,
      keyPrefix: prefix,
      instanceId: 'timer',
      flushIntervalMs: 50,
      logger: quietLogger(),
    });
    api.start();
    api.attemptFinished('d1', { ok: true, latencyMs: 100 });
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(redisApi.hexists(`${prefix}health:d1`, 'timer')).resolves.toBe(1);

    api.attemptFinished('d1', failure());
    await api.stop();
    const reader = monitorOn(redisWorker, 'reader');
    now = Date.now();
    await expect(reader.sharedSnapshot(['d1'])).resolves.toMatchObject({
      d1: { requests: 2, errorRate: 0.5 },
    });
  });

  it('keeps working without Redis: flushes fail quietly and the shared view is local', async () => {
    const redis = await unreachableClient();
    try {
      const logger = quietLogger();
      const monitor = new HealthMonitor({ redis, keyPrefix: prefix, clock, flushIntervalMs: 20, logger });
      monitor.start();
      monitor.attemptFinished('d1', { ok: true, latencyMs: 100 });
      await new Promise((resolve) => setTimeout(resolve, 100));
      await expect(monitor.stop()).resolves.toBeUndefined();
      await expect(monitor.sharedSnapshot(['d1'])).resolves.toMatchObject({
        d1: { requests: 1, instances: 1 },
      });
      expect(logger.warn).toHaveBeenCalled();
      expect(logger.warn.mock.calls.length).toBeLessThanOrEqual(2);
    } finally {
      redis.disconnect();
    }
  });
});
