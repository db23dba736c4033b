import type { Candidate, ResolvedRoute } from '../model-catalog';
import type { CandidateStrategy } from './candidate-strategy';

/** A uniform random permutation (Fisher–Yates). */
export class RandomStrategy implements CandidateStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  order(route: ResolvedRoute): readonly Candidate[] {
    const candidates = route.candidates;
    if (candidates.length < 2) return candidates;
    const ordered = candidates.slice();
    for (let i = ordered.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      const swap = ordered[i];
      ordered[i] = ordered[j];
      ordered[j] = swap;
    }
    return ordered;
  }
}
