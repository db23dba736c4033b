import type { Candidate, ResolvedRoute } from '../model-catalog';
import type { CandidateStrategy } from './candidate-strategy';

/**
 * Weighted random sampling without replacement by `deployment.weight`: the primary is drawn with
 * probability weight/total, each fallback likewise among those left. Zero-weight candidates are never
 * drawn while a positive weight remains; they end the order in config order (fallback only).
 */
export class WeightedStrategy implements CandidateStrategy {
  constructor(private readonly random: () => number = Math.random) {}

  order(route: ResolvedRoute): readonly Candidate[] {
    const candidates = route.candidates;
    const count = candidates.length;
    if (count < 2) return candidates;
    const ordered = candidates.slice();
    let remainingWeight = 0;
    for (const candidate of ordered) remainingWeight += candidate.deployment.weight;

    for (let slot = 0; slot < count - 1; slot++) {
      const drawn = this.draw(ordered, slot, remainingWeight);
      if (drawn < 0) break;
      const chosen = ordered[drawn];
      remainingWeight -= chosen.deployment.weight;
      // shift instead of swap, so the undrawn rest keeps config order
      for (let k = drawn; k > slot; k--) ordered[k] = ordered[k - 1];
      ordered[slot] = chosen;
    }
    return ordered;
  }

  /** Index (≥ from) of a weighted draw among ordered[from..]; -1 when no positive weight is left. */
  private draw(ordered: Candidate[], from: number, totalWeight: number): number {
    let target = this.random() * totalWeight;
    let lastPositive = -1;
    for (let i = from; i < ordered.length; i++) {
      const weight = ordered[i].deployment.weight;
      if (weight <= 0) continue;
      lastPositive = i;
      target -= weight;
      if (target < 0) return i;
    }
    return lastPositive; // rounding left target ≥ 0: the last positive weight takes it
  }
}
