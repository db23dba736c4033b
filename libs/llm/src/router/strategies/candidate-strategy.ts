import type { RoutingStrategy } from '@app/config';
import type { Candidate, ResolvedRoute } from '../model-catalog';

/**
 * Orders a route's candidates into attempt order: the first is the primary, the rest are fallbacks in
 * turn. The result may be cached or be `route.candidates` itself: callers must not mutate it.
 */
export interface CandidateStrategy {
  order(route: ResolvedRoute): readonly Candidate[];
}

export type StrategyRegistry = Readonly<Record<RoutingStrategy, CandidateStrategy>>;
