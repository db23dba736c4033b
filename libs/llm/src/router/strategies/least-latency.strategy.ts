import type { HealthRecorder } from '../deployment-gates';
import type { Candidate, ResolvedRoute } from '../model-catalog';
import type { CandidateStrategy } from './candidate-strategy';

/**
 * Lowest latency estimate first. Deployments without an estimate go first (config order), so a new or
 * recovered deployment gets measured instead of starving behind a known one.
 */
export class LeastLatencyStrategy implements CandidateStrategy {
  constructor(private readonly health: Pick<HealthRecorder, 'latencyEstimateMs'>) {}

  order(route: ResolvedRoute): readonly Candidate[] {
    const candidates = route.candidates;
    if (candidates.length < 2) return candidates;
    return candidates.slice().sort(this.compare);
  }

  private readonly compare = (a: Candidate, b: Candidate): number => {
    const latencyA = this.health.latencyEstimateMs(a.deployment.id);
    const latencyB = this.health.latencyEstimateMs(b.deployment.id);
    if (latencyA === undefined) return latencyB === undefined ? 0 : -1;
    if (latencyB === undefined) return 1;
    return latencyA - latencyB;
  };
}
