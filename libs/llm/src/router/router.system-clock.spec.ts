import { InMemoryCircuitBreaker } from './circuit-breaker';
import { systemClock } from './clock';
import { ModelCatalog } from './model-catalog';
import { LlmRouter } from './router';
import { FakeCapacityLimiter, FakeHealthRecorder } from './testing/fake-gates';
import { fail, FakeProvider, hang } from './testing/fake-provider';
import { chatRequest, deploymentConfig, routingConfig } from './testing/fixtures';

/** The same router on real timers, to prove the system clock wiring (short timeouts, real waits). */
function realTimeRouter(aTimeoutMs: number) {
  const routing = routingConfig({ requestTimeoutMs: 5_000 });
  const providers = new Map<string, FakeProvider>();
  const catalog = new ModelCatalog(
    [deploymentConfig('a', { timeoutMs: aTimeoutMs, maxRetries: 1 }), deploymentConfig('b', { priority: 1 })],
    routing,
    (d) => {
      const provider = new FakeProvider(d.id);
      providers.set(d.id, provider);
      return provider;
    },
  );
  const router = new LlmRouter({
    catalog,
    routing,
    breaker: new InMemoryCircuitBreaker(routing.breaker),
    capacity: new FakeCapacityLimiter(),
    health: new FakeHealthRecorder(),
  });
  return { router, a: providers.get('a') as FakeProvider, b: providers.get('b') as FakeProvider };
}

describe('LlmRouter on the system clock', () => {
  it('times out a hung attempt and falls back', async () => {
    const { router, a } = realTimeRouter(30);
    a.then(hang(), hang());
    const started = performance.now();
    const routed = await router.generate(chatRequest());
    expect(routed.deploymentId).toBe('b');
    expect(routed.attempts.map((x) => x.errorCode)).toEqual(['timeout', 'timeout', undefined]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('a caller abort interrupts a backoff wait', async () => {
    const { router, a, b } = realTimeRouter(1_000);
    a.then(fail(429, { retryAfterMs: 3_000 }));
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const started = performance.now();
    await expect(router.generate(chatRequest(), { signal: controller.signal })).rejects.toMatchObject({
      code: 'aborted',
    });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(b.calls).toHaveLength(0);
  });

  it('sleep resolves early when its signal aborts', async () => {
    const controller = new AbortController();
    const started = performance.now();
    setTimeout(() => controller.abort(), 10);
    await systemClock.sleep(5_000, controller.signal);
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
