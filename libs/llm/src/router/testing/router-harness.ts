import type { DeploymentConfig } from '@app/config';
import { InMemoryCircuitBreaker } from '../circuit-breaker';
import type { CircuitBreaker } from '../deployment-gates';
import { ModelCatalog } from '../model-catalog';
import { LlmRouter } from '../router';
import { FakeClock } from './fake-clock';
import { FakeCapacityLimiter, FakeHealthRecorder } from './fake-gates';
import { FakeProvider } from './fake-provider';
import { type RoutingOverrides, routingConfig } from './fixtures';
import { seededRandom } from './seeded-random';

export interface RouterHarness {
  router: LlmRouter;
  catalog: ModelCatalog;
  clock: FakeClock;
  capacity: FakeCapacityLimiter;
  health: FakeHealthRecorder;
  breaker: CircuitBreaker;
  /** the fake provider of each deployment, by deployment id */
  provider(deploymentId: string): FakeProvider;
}

/** A router over fake providers, fake gates, a real breaker and virtual time. */
export function routerHarness(
  deployments: DeploymentConfig[],
  options: { routing?: RoutingOverrides; random?: () => number; breaker?: CircuitBreaker } = {},
): RouterHarness {
  const clock = new FakeClock();
  const routing = routingConfig(options.routing);
  const providers = new Map<string, FakeProvider>();
  const catalog = new ModelCatalog(deployments, routing, (d) => {
    const provider = new FakeProvider(d.id, d.type);
    providers.set(d.id, provider);
    return provider;
  });
  const capacity = new FakeCapacityLimiter();
  const health = new FakeHealthRecorder();
  const breaker = options.breaker ?? new InMemoryCircuitBreaker(routing.breaker, clock);
  const router = new LlmRouter({
    catalog,
    routing,
    breaker,
    capacity,
    health,
    clock,
    random: options.random ?? seededRandom(7),
  });
  return {
    router,
    catalog,
    clock,
    capacity,
    health,
    breaker,
    provider(deploymentId) {
      const provider = providers.get(deploymentId);
      if (!provider) throw new Error(`no provider for ${deploymentId}`);
      return provider;
    },
  };
}
