import type { DeploymentConfig } from '@app/config';
import type {
  AttemptOutcome,
  CapacityDecision,
  CapacityLimiter,
  CapacityReservation,
  HealthRecorder,
} from '../deployment-gates';

/** Capacity limiter that allows everything except deployments told to refuse. */
export class FakeCapacityLimiter implements CapacityLimiter {
  readonly reserved: { deploymentId: string; estimatedTokens: number }[] = [];
  readonly settled: { deploymentId: string; estimatedTokens: number; actualTokens: number }[] = [];
  private readonly refusals = new Map<string, number>();

  refuse(deploymentId: string, retryAfterMs: number): this {
    this.refusals.set(deploymentId, retryAfterMs);
    return this;
  }

  async reserve(deployment: DeploymentConfig, estimatedTokens: number): Promise<CapacityDecision> {
    const retryAfterMs = this.refusals.get(deployment.id);
    if (retryAfterMs !== undefined) return { ok: false, retryAfterMs, reason: 'rpm' };
    this.reserved.push({ deploymentId: deployment.id, estimatedTokens });
    return { ok: true, reservation: { deploymentId: deployment.id, estimatedTokens, windowStart: 0 } };
  }

  settle(reservation: CapacityReservation, actualTokens: number): void {
    this.settled.push({
      deploymentId: reservation.deploymentId,
      estimatedTokens: reservation.estimatedTokens,
      actualTokens,
    });
  }

  async remaining(): Promise<{ requests: number | null; tokens: number | null }> {
    return { requests: null, tokens: null };
  }
}

/** Health recorder that remembers every call; latency and extra load can be set by the test. */
export class FakeHealthRecorder implements HealthRecorder {
  readonly started: string[] = [];
  readonly finished: { deploymentId: string; outcome: AttemptOutcome }[] = [];
  private readonly latency = new Map<string, number>();
  private readonly load = new Map<string, number>();

  setLatency(deploymentId: string, ms: number): this {
    this.latency.set(deploymentId, ms);
    return this;
  }

  setInFlight(deploymentId: string, count: number): this {
    this.load.set(deploymentId, count);
    return this;
  }

  attemptStarted(deploymentId: string): void {
    this.started.push(deploymentId);
    this.load.set(deploymentId, this.inFlight(deploymentId) + 1);
  }

  attemptFinished(deploymentId: string, outcome: AttemptOutcome): void {
    this.finished.push({ deploymentId, outcome });
    this.load.set(deploymentId, this.inFlight(deploymentId) - 1);
  }

  inFlight(deploymentId: string): number {
    return this.load.get(deploymentId) ?? 0;
  }

  latencyEstimateMs(deploymentId: string): number | undefined {
    return this.latency.get(deploymentId);
  }
}
