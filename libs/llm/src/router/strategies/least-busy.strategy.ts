import type { HealthRecorder } from '../deployment-gates';
import type { Candidate, ResolvedRoute } from '../model-catalog';
import type { CandidateStrategy } from './candidate-strategy';

/** Fewest in-flight attempts (in this process) first; ties keep config order. */
export class LeastBusyStrategy implements CandidateStrategy {
  constructor(private readonly health: Pick<HealthRecorder, 'inFlight'>) {}

  order(route: ResolvedRoute): readonly Candidate[] {
    const candidates = route.candidates;
    if (candidates.length < 2) return candidates;
    return candidates.slice().sort(this.compare);
  }

  private readonly compare = (a: Candidate, b: Candidate): number =>
    this.health.inFlight(a.deployment.id) - this.health.inFlight(b.deployment.id);
}
