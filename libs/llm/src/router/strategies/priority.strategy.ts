import type { Candidate, ResolvedRoute } from '../model-catalog';
import type { CandidateStrategy } from './candidate-strategy';

/** Lowest `priority` first; equal priorities keep config order. Static, so sorted once per route. */
export class PriorityStrategy implements CandidateStrategy {
  private readonly sorted = new WeakMap<readonly Candidate[], readonly Candidate[]>();

  order(route: ResolvedRoute): readonly Candidate[] {
    const candidates = route.candidates;
    if (candidates.length < 2) return candidates;
    let ordered = this.sorted.get(candidates);
    if (!ordered) {
      ordered = [...candidates].sort((a, b) => a.deployment.priority - b.deployment.priority);
      this.sorted.set(candidates, ordered);
    }
    return ordered;
  }
}
