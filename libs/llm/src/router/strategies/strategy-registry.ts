import type { HealthRecorder } from '../deployment-gates';
import type { StrategyRegistry } from './candidate-strategy';
import { LeastBusyStrategy } from './least-busy.strategy';
import { LeastLatencyStrategy } from './least-latency.strategy';
import { PriorityStrategy } from './priority.strategy';
import { RandomStrategy } from './random.strategy';
import { RoundRobinStrategy } from './round-robin.strategy';
import { WeightedStrategy } from './weighted.strategy';

export interface StrategyDependencies {
  health: Pick<HealthRecorder, 'inFlight' | 'latencyEstimateMs'>;
  random?: () => number;
}

export function createStrategyRegistry({
  health,
  random = Math.random,
}: StrategyDependencies): StrategyRegistry {
  return {
    priority: new PriorityStrategy(),
    'round-robin': new RoundRobinStrategy(),
    random: new RandomStrategy(random),
    weighted: new WeightedStrategy(random),
    'least-latency': new LeastLatencyStrategy(health),
    'least-busy': new LeastBusyStrategy(health),
  };
}
