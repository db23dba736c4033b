import { resetProcessWide } from '@app/common';
import { AppConfig } from '@app/config';
import { absentRedis, REDIS_CLIENT } from '@app/redis';
import { Global, Module, type INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type Redis from 'ioredis';
import { MemoryCapacityLimiter } from '../capacity/memory-capacity-limiter';
import { HealthMonitor } from '../health/health-monitor';
import type { CapacityLimiter } from '../router/deployment-gates';
import { deploymentConfig, routingConfig } from '../router/testing/fixtures';
import { LlmModule } from './llm.module';
import { CAPACITY_LIMITER, CIRCUIT_BREAKER } from './llm.tokens';
import { ProviderStatusService } from './provider-status.service';

const limited = deploymentConfig('limited', { rpm: 3, tpm: 1_000 });

const embedded = {
  mode: 'embedded',
  providers: [limited],
  routing: routingConfig(),
  redis: { keyPrefix: 'unit:' },
} as AppConfig;

const NEST_HOOKS = new Set([
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

/** The embedded stand-in, minus the lifecycle hooks Nest probes every provider value for. */
function redisThatMustNotBeCalled(): Redis {
  return new Proxy(absentRedis(), {
    get: (target, property) =>
      typeof property === 'string' && NEST_HOOKS.has(property) ? undefined : Reflect.get(target, property),
  });
}

/** What the api and worker containers of an embedded process get from the global modules. */
async function container(): Promise<INestApplicationContext> {
  @Global()
  @Module({
    providers: [
      { provide: AppConfig, useValue: embedded },
      // throws on any call: the test fails if anything in LlmModule touches Redis
      { provide: REDIS_CLIENT, useFactory: redisThatMustNotBeCalled },
    ],
    exports: [AppConfig, REDIS_CLIENT],
  })
  class EmbeddedGlobals {}
  const moduleRef = await Test.createTestingModule({ imports: [EmbeddedGlobals, LlmModule] }).compile();
  return moduleRef.init();
}

describe('LlmModule in embedded mode', () => {
  let api: INestApplicationContext;
  let worker: INestApplicationContext;

  beforeEach(async () => {
    resetProcessWide();
    [api, worker] = [await container(), await container()];
  });
  afterEach(async () => {
    await Promise.all([api.close(), worker.close()]);
    resetProcessWide();
  });

  it('gives the api and the worker one in-memory limiter: both count against the same window', async () => {
    const apiLimiter = api.get<CapacityLimiter>(CAPACITY_LIMITER);
    const workerLimiter = worker.get<CapacityLimiter>(CAPACITY_LIMITER);
    expect(apiLimiter).toBeInstanceOf(MemoryCapacityLimiter);
    expect(workerLimiter).toBe(apiLimiter);

    expect((await apiLimiter.reserve(limited, 10)).ok).toBe(true);
    expect((await workerLimiter.reserve(limited, 10)).ok).toBe(true);
    expect((await apiLimiter.reserve(limited, 10)).ok).toBe(true);
    expect(await workerLimiter.reserve(limited, 10)).toMatchObject({ ok: false, reason: 'rpm' });
  });

  it("keeps health in memory, one monitor and breaker per process: the api's /providers shows the worker's calls", async () => {
    const monitor = worker.get(HealthMonitor);
    expect(monitor).toBe(api.get(HealthMonitor));
    expect(worker.get(CIRCUIT_BREAKER)).toBe(api.get(CIRCUIT_BREAKER));
    monitor.attemptStarted('limited');
    monitor.attemptFinished('limited', { ok: true, latencyMs: 120 });
    await api.get<CapacityLimiter>(CAPACITY_LIMITER).reserve(limited, 100);

    const [summary] = await api.get(ProviderStatusService).list();
    const [status] = summary.deployments;
    expect(status.remaining).toEqual({ requests: 2, tokens: 900 });
    expect(status.health).toMatchObject({ state: 'healthy', requests: 1, latencyP50Ms: expect.any(Number) });
    await expect(monitor.flush()).resolves.toBeUndefined();
  });
});
