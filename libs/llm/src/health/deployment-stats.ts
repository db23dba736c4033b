import type { AttemptOutcome } from '../router/deployment-gates';
import type { AttemptVerdict } from './attempt-verdict';
import { LatencyHistogram } from './latency-histogram';
import { redactSecrets } from './redact-secrets';

export interface LastError {
  code: string;
  message: string;
  status?: number;
  at: number;
}

export interface WindowTotals {
  requests: number;
  errors: number;
  latency: LatencyHistogram;
  ttft: LatencyHistogram;
}

export interface DeploymentStatsOptions {
  bucketMs: number;
  bucketCount: number;
  /** weight of each new success in the routing latency estimate */
  latencyEwmaAlpha: number;
  /** time constant of the slow baseline that "much slower than usual" is measured against */
  baselineTimeConstantMs: number;
}

export const DEFAULT_STATS_OPTIONS: DeploymentStatsOptions = {
  bucketMs: 1_000,
  bucketCount: 60,
  latencyEwmaAlpha: 0.3,
  baselineTimeConstantMs: 10 * 60_000,
};

interface TimeBucket {
  /** which bucketMs-long slice of time this slot currently holds */
  epoch: number;
  requests: number;
  errors: number;
  latency: LatencyHistogram;
  ttft: LatencyHistogram;
}

/** Samples averaged plainly before the baseline switches to time decay, so one outlier can't anchor it. */
const BASELINE_WARMUP_SAMPLES = 20;

/**
 * One deployment's outcomes in this process: a ring of time buckets (60 × 1 s by default) for rates and
 * latency percentiles, plus the counters that don't age (in flight, consecutive failures, last error).
 * Latency is sampled from successes only: a fast 500 must not make a failing deployment look quick.
 */
export class DeploymentStats {
  inFlight = 0;
  consecutiveFailures = 0;
  lastError: LastError | undefined;
  lastSuccessAt: number | undefined;
  /** the latest probe failed and nothing has succeeded since */
  probeFailing = false;
  lastProbeAt: number | undefined;
  latencyEwmaMs: number | undefined;
  latencyBaselineMs: number | undefined;

  private readonly ring: TimeBucket[];
  private baselineSamples = 0;
  private baselineUpdatedAt = 0;

  constructor(private readonly options: DeploymentStatsOptions = DEFAULT_STATS_OPTIONS) {
    this.ring = Array.from({ length: options.bucketCount }, () => ({
      epoch: -1,
      requests: 0,
      errors: 0,
      latency: new LatencyHistogram(),
      ttft: new LatencyHistogram(),
    }));
  }

  attemptStarted(): void {
    this.inFlight += 1;
  }

  attemptFinished(now: number, verdict: AttemptVerdict, outcome: AttemptOutcome): void {
    this.inFlight = Math.max(0, this.inFlight - 1);
    const bucket = this.bucketAt(now);
    bucket.requests += 1;
    if (verdict === 'failure') {
      bucket.errors += 1;
      this.recordFailure(now, outcome);
    } else if (verdict === 'success') {
      bucket.latency.add(outcome.latencyMs);
      if (outcome.ttftMs !== undefined) bucket.ttft.add(outcome.ttftMs);
      this.recordSuccess(now);
      this.updateLatency(now, outcome.latencyMs);
    }
  }

  probeFinished(now: number, ok: boolean, error?: AttemptOutcome['error']): void {
    this.lastProbeAt = now;
    if (ok) {
      this.recordSuccess(now);
    } else {
      this.recordFailure(now, { ok: false, latencyMs: 0, error });
      this.probeFailing = true;
    }
  }

  /** Totals over the buckets still inside the window at `now`. */
  window(now: number): WindowTotals {
    const totals: WindowTotals = {
      requests: 0,
      errors: 0,
      latency: new LatencyHistogram(),
      ttft: new LatencyHistogram(),
    };
    const newestEpoch = this.epochOf(now);
    const oldestEpoch = newestEpoch - this.options.bucketCount + 1;
    for (const bucket of this.ring) {
      if (bucket.epoch < oldestEpoch || bucket.epoch > newestEpoch) continue;
      totals.requests += bucket.requests;
      totals.errors += bucket.errors;
      totals.latency.addHistogram(bucket.latency);
      totals.ttft.addHistogram(bucket.ttft);
    }
    return totals;
  }

  private recordSuccess(now: number): void {
    this.consecutiveFailures = 0;
    this.probeFailing = false;
    this.lastSuccessAt = now;
  }

  private recordFailure(now: number, outcome: AttemptOutcome): void {
    this.consecutiveFailures += 1;
    const error = outcome.error;
    this.lastError = error
      ? { code: error.code, message: redactSecrets(error.message), status: error.status, at: now }
      : { code: 'unknown', message: 'attempt failed without an error', at: now };
  }

  private updateLatency(now: number, latencyMs: number): void {
    if (!Number.isFinite(latencyMs) || latencyMs < 0) return;
    const alpha = this.options.latencyEwmaAlpha;
    this.latencyEwmaMs =
      this.latencyEwmaMs === undefined
        ? latencyMs
        : this.latencyEwmaMs + alpha * (latencyMs - this.latencyEwmaMs);

    this.baselineSamples += 1;
    const decay =
      1 - Math.exp(-Math.max(0, now - this.baselineUpdatedAt) / this.options.baselineTimeConstantMs);
    const weight =
      this.baselineSamples <= BASELINE_WARMUP_SAMPLES ? Math.max(1 / this.baselineSamples, decay) : decay;
    this.latencyBaselineMs =
      (this.latencyBaselineMs ?? latencyMs) + weight * (latencyMs - (this.latencyBaselineMs ?? latencyMs));
    this.baselineUpdatedAt = now;
  }

  private bucketAt(now: number): TimeBucket {
    const epoch = this.epochOf(now);
    const bucket = this.ring[epoch % this.options.bucketCount];
    if (bucket.epoch !== epoch) {
      bucket.epoch = epoch;
      bucket.requests = 0;
      bucket.errors = 0;
      bucket.latency.clear();
      bucket.ttft.clear();
    }
    return bucket;
  }

  private epochOf(now: number): number {
    return Math.floor(now / this.options.bucketMs);
  }
}
