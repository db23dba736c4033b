import type { BreakerConfig } from '@app/config';
import type { ProviderError } from '../core/provider-error';
import { type RouterClock, systemClock } from './clock';
import type { BreakerState, CircuitBreaker } from './deployment-gates';
import { RollingCounter } from './rolling-counter';

const REQUESTS = 0;
const FAILURES = 1;
const WINDOW_BUCKETS = 10;

class DeploymentCircuit {
  state: BreakerState = 'closed';
  consecutiveFailures = 0;
  openUntil = 0;
  /** when the half-open trial was let through; undefined when no trial is in flight */
  trialStartedAt: number | undefined;

  constructor(readonly window: RollingCounter) {}
}

/**
 * Per-process circuit breaker per deployment, in the spirit of Envoy's outlier detection.
 *
 * - closed: opens after `failureThreshold` consecutive retryable failures, or when retryable failures
 *   make up ≥ `errorRateThreshold` of ≥ `minRequests` outcomes within `windowMs`.
 * - open: refuses everything for `cooldownMs`, then turns half-open.
 * - half-open: lets exactly one trial through; its success closes, its retryable failure re-opens.
 *
 * Non-retryable errors (400s, auth, content filter, aborts) say nothing about the deployment's health:
 * they count neither way, and in half-open they free the trial slot so the next request can be the
 * trial. Callers must answer every `tryAcquire` that returned true with one `onSuccess` or
 * `onFailure`; a trial that never answers is given up after `cooldownMs`.
 */
export class InMemoryCircuitBreaker implements CircuitBreaker {
  private readonly circuits = new Map<string, DeploymentCircuit>();

  constructor(
    private readonly config: BreakerConfig,
    private readonly clock: Pick<RouterClock, 'now'> = systemClock,
  ) {}

  tryAcquire(deploymentId: string): boolean {
    const circuit = this.circuits.get(deploymentId);
    if (!circuit || circuit.state === 'closed') return true;
    const now = this.clock.now();
    if (circuit.state === 'open') {
      if (now < circuit.openUntil) return false;
      circuit.state = 'half-open';
    }
    const trialStartedAt = circuit.trialStartedAt;
    if (trialStartedAt !== undefined && now - trialStartedAt < this.config.cooldownMs) return false;
    circuit.trialStartedAt = now;
    return true;
  }

  onSuccess(deploymentId: string): void {
    const circuit = this.circuitFor(deploymentId);
    if (circuit.state === 'half-open') return this.close(circuit);
    if (circuit.state === 'open') return; // a request started before the breaker opened
    circuit.consecutiveFailures = 0;
    circuit.window.add(REQUESTS, this.clock.now());
  }

  onFailure(deploymentId: string, error: ProviderError): void {
    const circuit = this.circuitFor(deploymentId);
    if (!error.retryable) {
      circuit.trialStartedAt = undefined;
      return;
    }
    const now = this.clock.now();
    if (circuit.state === 'half-open') return this.open(circuit, now);
    if (circuit.state === 'open') return;
    circuit.consecutiveFailures++;
    circuit.window.add(REQUESTS, now);
    circuit.window.add(FAILURES, now);
    if (circuit.consecutiveFailures >= this.config.failureThreshold || this.errorRateTripped(circuit, now)) {
      this.open(circuit, now);
    }
  }

  state(deploymentId: string): BreakerState {
    const circuit = this.circuits.get(deploymentId);
    if (!circuit) return 'closed';
    if (circuit.state === 'open' && this.clock.now() >= circuit.openUntil) circuit.state = 'half-open';
    return circuit.state;
  }

  remainingCooldownMs(deploymentId: string): number {
    const circuit = this.circuits.get(deploymentId);
    if (!circuit || circuit.state !== 'open') return 0;
    return Math.max(0, circuit.openUntil - this.clock.now());
  }

  private errorRateTripped(circuit: DeploymentCircuit, now: number): boolean {
    const requests = circuit.window.sum(REQUESTS, now);
    if (requests < this.config.minRequests) return false;
    return circuit.window.sum(FAILURES, now) / requests >= this.config.errorRateThreshold;
  }

  private open(circuit: DeploymentCircuit, now: number): void {
    circuit.state = 'open';
    circuit.openUntil = now + this.config.cooldownMs;
    circuit.trialStartedAt = undefined;
    circuit.consecutiveFailures = 0;
    circuit.window.reset();
  }

  private close(circuit: DeploymentCircuit): void {
    circuit.state = 'closed';
    circuit.trialStartedAt = undefined;
    circuit.consecutiveFailures = 0;
    circuit.window.reset();
  }

  private circuitFor(deploymentId: string): DeploymentCircuit {
    let circuit = this.circuits.get(deploymentId);
    if (!circuit) {
      circuit = new DeploymentCircuit(new RollingCounter(this.config.windowMs, WINDOW_BUCKETS, 2));
      this.circuits.set(deploymentId, circuit);
    }
    return circuit;
  }
}
