import type { DeploymentConfig } from '@app/config';
import { type Candidate, ModelCatalog, type ResolvedRoute } from '../model-catalog';
import { FakeHealthRecorder } from '../testing/fake-gates';
import { FakeProvider } from '../testing/fake-provider';
import { deploymentConfig, routingConfig } from '../testing/fixtures';
import { seededRandom } from '../testing/seeded-random';
import { LeastBusyStrategy } from './least-busy.strategy';
import { LeastLatencyStrategy } from './least-latency.strategy';
import { PriorityStrategy } from './priority.strategy';
import { RandomStrategy } from './random.strategy';
import { RoundRobinStrategy } from './round-robin.strategy';
import { createStrategyRegistry } from './strategy-registry';
import { WeightedStrategy } from './weighted.strategy';

function routeOf(...deployments: DeploymentConfig[]): ResolvedRoute {
  const catalog = new ModelCatalog(deployments, routingConfig(), (d) => new FakeProvider(d.id));
  const route = catalog.resolve('chat');
  if (!route) throw new Error('no route');
  return route;
}

const ids = (order: readonly Candidate[]): string[] => order.map((c) => c.deployment.id);

/** How often each deployment came first over `picks` orderings. */
function primaryCounts(order: () => readonly Candidate[], picks: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < picks; i++) {
    const id = order()[0].deployment.id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('priority', () => {
  it('orders by priority value, lowest first, keeping config order on ties', () => {
    const route = routeOf(
      deploymentConfig('c', { priority: 2 }),
      deploymentConfig('a1', { priority: 1 }),
      deploymentConfig('z', { priority: 0 }),
      deploymentConfig('a2', { priority: 1 }),
    );
    const strategy = new PriorityStrategy();
    expect(ids(strategy.order(route))).toEqual(['z', 'a1', 'a2', 'c']);
    expect(strategy.order(route)).toBe(strategy.order(route)); // sorted once, then reused
  });
});

describe('round-robin', () => {
  it('rotates the start exactly, per route', () => {
    const route = routeOf(deploymentConfig('a'), deploymentConfig('b'), deploymentConfig('c'));
    const strategy = new RoundRobinStrategy();
    const orders = Array.from({ length: 4 }, () => ids(strategy.order(route)));
    expect(orders).toEqual([
      ['a', 'b', 'c'],
      ['b', 'c', 'a'],
      ['c', 'a', 'b'],
      ['a', 'b', 'c'],
    ]);
  });

  it('keeps a separate rotation for each route', () => {
    const catalog = new ModelCatalog(
      [
        deploymentConfig('a', { models: [{ name: 'x' }, { name: 'y' }] }),
        deploymentConfig('b', { models: [{ name: 'x' }, { name: 'y' }] }),
      ],
      routingConfig(),
      (d) => new FakeProvider(d.id),
    );
    const x = catalog.resolve('x') as ResolvedRoute;
    const y = catalog.resolve('y') as ResolvedRoute;
    const strategy = new RoundRobinStrategy();
    expect(strategy.order(x)[0].deployment.id).toBe('a');
    expect(strategy.order(x)[0].deployment.id).toBe('b');
    expect(strategy.order(y)[0].deployment.id).toBe('a');
  });
});

describe('random', () => {
  it('puts every candidate first, roughly uniformly, and always returns a permutation', () => {
    const route = routeOf(deploymentConfig('a'), deploymentConfig('b'), deploymentConfig('c'));
    const strategy = new RandomStrategy(seededRandom(1));
    const counts = primaryCounts(() => strategy.order(route), 3_000);
    for (const id of ['a', 'b', 'c']) expect(counts[id]).toBeGreaterThan(850);
    expect([...ids(strategy.order(route))].sort()).toEqual(['a', 'b', 'c']);
  });
});

describe('weighted', () => {
  it('picks the primary in proportion to weight (3:1 over 4,000 picks)', () => {
    const route = routeOf(deploymentConfig('heavy', { weight: 3 }), deploymentConfig('light', { weight: 1 }));
    const strategy = new WeightedStrategy(seededRandom(42));
    const counts = primaryCounts(() => strategy.order(route), 4_000);
    expect(counts.heavy / 4_000).toBeGreaterThan(0.72);
    expect(counts.heavy / 4_000).toBeLessThan(0.78);
    expect(counts.heavy + counts.light).toBe(4_000);
  });

  it('samples fallbacks without replacement, and zero weights only ever come last', () => {
    const route = routeOf(
      deploymentConfig('zero1', { weight: 0 }),
      deploymentConfig('a', { weight: 2 }),
      deploymentConfig('zero2', { weight: 0 }),
      deploymentConfig('b', { weight: 1 }),
    );
    const strategy = new WeightedStrategy(seededRandom(3));
    for (let i = 0; i < 500; i++) {
      const order = ids(strategy.order(route));
      expect(order.slice(2)).toEqual(['zero1', 'zero2']);
      expect([...order.slice(0, 2)].sort()).toEqual(['a', 'b']);
    }
  });

  it('second choices follow the remaining weights', () => {
    const route = routeOf(
      deploymentConfig('a', { weight: 6 }),
      deploymentConfig('b', { weight: 3 }),
      deploymentConfig('c', { weight: 1 }),
    );
    const strategy = new WeightedStrategy(seededRandom(9));
    let bSecondWhenAFirst = 0;
    let aFirst = 0;
    for (let i = 0; i < 6_000; i++) {
      const order = ids(strategy.order(route));
      if (order[0] !== 'a') continue;
      aFirst++;
      if (order[1] === 'b') bSecondWhenAFirst++;
    }
    // after drawing a, b has 3 of the remaining 4
    expect(bSecondWhenAFirst / aFirst).toBeGreaterThan(0.72);
    expect(bSecondWhenAFirst / aFirst).toBeLessThan(0.78);
  });
});

describe('least-latency', () => {
  it('tries unmeasured deployments first, then the fastest', () => {
    const route = routeOf(
      deploymentConfig('slow'),
      deploymentConfig('fast'),
      deploymentConfig('new'),
      deploymentConfig('mid'),
    );
    const health = new FakeHealthRecorder()
      .setLatency('slow', 900)
      .setLatency('fast', 100)
      .setLatency('mid', 400);
    const strategy = new LeastLatencyStrategy(health);
    expect(ids(strategy.order(route))).toEqual(['new', 'fast', 'mid', 'slow']);
    health.setLatency('new', 1_000);
    expect(ids(strategy.order(route))).toEqual(['fast', 'mid', 'slow', 'new']);
  });
});

describe('least-busy', () => {
  it('picks the deployment with the fewest attempts in flight', () => {
    const route = routeOf(deploymentConfig('a'), deploymentConfig('b'), deploymentConfig('c'));
    const health = new FakeHealthRecorder().setInFlight('a', 5).setInFlight('b', 1).setInFlight('c', 3);
    const strategy = new LeastBusyStrategy(health);
    expect(ids(strategy.order(route))).toEqual(['b', 'c', 'a']);
    health.setInFlight('b', 9);
    expect(strategy.order(route)[0].deployment.id).toBe('c');
  });
});

describe('registry', () => {
  it('has every configured strategy name', () => {
    const registry = createStrategyRegistry({ health: new FakeHealthRecorder() });
    expect(Object.keys(registry).sort()).toEqual([
      'least-busy',
      'least-latency',
      'priority',
      'random',
      'round-robin',
      'weighted',
    ]);
  });

  it('returns a single candidate untouched', () => {
    const route = routeOf(deploymentConfig('only'));
    const registry = createStrategyRegistry({ health: new FakeHealthRecorder() });
    for (const strategy of Object.values(registry)) expect(strategy.order(route)).toBe(route.candidates);
  });
});
