import type { Candidate, ResolvedRoute } from '../model-catalog';
import type { CandidateStrategy } from './candidate-strategy';

/** Each request of a route starts one candidate further along; the others follow in config order. */
export class RoundRobinStrategy implements CandidateStrategy {
  private readonly nextStart = new Map<string, number>();

  order(route: ResolvedRoute): readonly Candidate[] {
    const candidates = route.candidates;
    const count = candidates.length;
    if (count < 2) return candidates;
    const start = (this.nextStart.get(route.name) ?? 0) % count;
    this.nextStart.set(route.name, (start + 1) % count);
    const ordered = new Array<Candidate>(count);
    for (let i = 0; i < count; i++) ordered[i] = candidates[(start + i) % count];
    return ordered;
  }
}
