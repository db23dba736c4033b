import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { errorMessage, ThrottledWarning, type WarnLogger } from '../capacity/throttled-warning';
import type { ProviderError } from '../core/provider-error';
import type {
  AttemptOutcome,
  BreakerState,
  CircuitBreaker,
  HealthRecorder,
} from '../router/deployment-gates';
import { attemptVerdict } from './attempt-verdict';
import { DEFAULT_STATS_OPTIONS, DeploymentStats, type DeploymentStatsOptions } from './deployment-stats';
import {
  mergeReports,
  reportOf,
  type InstanceHealthReport,
  type SharedHealthSnapshot,
} from './health-report';
import { DEFAULT_HEALTH_THRESHOLDS, type HealthSnapshot, type HealthThresholds } from './health-state';
import { SharedHealthStore } from './shared-health-store';

export interface ProbeResult {
  ok: boolean;
  latencyMs: number;
  error?: ProviderError;
}

export interface ProbeRecorder {
  probeFinished(deploymentId: string, result: ProbeResult): void;
}

export interface HealthMonitorOptions {
  /** Without a client, health stays per process and `sharedSnapshot` returns this process's view. */
  redis?: Redis;
  keyPrefix?: string;
  /** This process's hash field; defaults to hostname:pid:random. */
  instanceId?: string;
  clock?: () => number;
  /** Read for `snapshot().breaker` and the cooling state; without one every breaker reads closed. */
  breaker?: CircuitBreaker;
  /** Default 1000 ms. */
  flushIntervalMs?: number;
  /** Reports older than this are left out of the shared view. Default 5 × flushIntervalMs, at least 5 s. */
  staleAfterMs?: number;
  thresholds?: Partial<HealthThresholds>;
  stats?: Partial<DeploymentStatsOptions>;
  logger?: WarnLogger;
}

/**
 * Passive health: the router reports every attempt here (in memory, O(1)); a timer flushes this
 * process's aggregates to Redis in one pipeline so /providers can show every api and worker instance.
 */
export class HealthMonitor implements HealthRecorder, ProbeRecorder {
  private readonly stats = new Map<string, DeploymentStats>();
  private readonly clock: () => number;
  private readonly thresholds: HealthThresholds;
  private readonly statsOptions: DeploymentStatsOptions;
  private readonly flushIntervalMs: number;
  private readonly store: SharedHealthStore | undefined;
  private readonly warning: ThrottledWarning;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;

  constructor(private readonly options: HealthMonitorOptions = {}) {
    this.clock = options.clock ?? (() => Date.now());
    this.thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...options.thresholds };
    this.statsOptions = { ...DEFAULT_STATS_OPTIONS, ...options.stats };
    this.flushIntervalMs = options.flushIntervalMs ?? 1_000;
    this.warning = new ThrottledWarning(options.logger ?? new Logger(HealthMonitor.name), 30_000, this.clock);
    this.store = options.redis
      ? new SharedHealthStore(options.redis, {
          keyPrefix: options.keyPrefix ?? '',
          instanceId: options.instanceId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`,
          staleAfterMs: options.staleAfterMs ?? Math.max(5 * this.flushIntervalMs, 5_000),
          clock: this.clock,
        })
      : undefined;
  }

  attemptStarted(deploymentId: string): void {
    this.statsOf(deploymentId).attemptStarted();
  }

  attemptFinished(deploymentId: string, outcome: AttemptOutcome): void {
    this.statsOf(deploymentId).attemptFinished(this.clock(), attemptVerdict(outcome), outcome);
  }

  inFlight(deploymentId: string): number {
    return this.stats.get(deploymentId)?.inFlight ?? 0;
  }

  latencyEstimateMs(deploymentId: string): number | undefined {
    return this.stats.get(deploymentId)?.latencyEwmaMs;
  }

  probeFinished(deploymentId: string, result: ProbeResult): void {
    this.statsOf(deploymentId).probeFinished(this.clock(), result.ok, result.error);
  }

  /** This process's view of one deployment. */
  snapshot(deploymentId: string): HealthSnapshot {
    const { instances: _instances, ...snapshot } = mergeReports(
      [this.localReport(deploymentId)],
      this.thresholds,
    );
    return snapshot;
  }

  /**
   * Every instance's view merged, per deployment, read in one pipeline. Falls back to this process's view
   * (instances: 1) when Redis cannot answer, so /providers still shows something.
   */
  async sharedSnapshot(deploymentIds: string[]): Promise<Record<string, SharedHealthSnapshot>> {
    let reportsById: Map<string, InstanceHealthReport[]> | undefined;
    if (this.store) {
      try {
        reportsById = await this.store.read(deploymentIds);
      } catch (error) {
        this.warning.warn(`shared health unavailable, showing this instance only: ${errorMessage(error)}`);
      }
    }
    const merged: Record<string, SharedHealthSnapshot> = {};
    for (const id of deploymentIds) {
      const reports = [this.localReport(id), ...(reportsById?.get(id) ?? [])];
      merged[id] = mergeReports(reports, this.thresholds);
    }
    return merged;
  }

  /** Starts the periodic flush (no-op without Redis or when already started). */
  start(): void {
    if (!this.store || this.timer || this.flushIntervalMs <= 0) return;
    this.timer = setInterval(() => void this.flushQuietly(), this.flushIntervalMs);
    this.timer.unref();
  }

  /** Stops the timer and flushes once more so the last seconds are not lost. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flushing;
    await this.flushQuietly();
  }

  /** Writes this process's aggregates for every deployment it has seen; rejects when Redis fails. */
  async flush(): Promise<void> {
    if (!this.store) return;
    const now = this.clock();
    const reports = new Map<string, InstanceHealthReport>();
    for (const [id, stats] of this.stats) reports.set(id, reportOf(stats, this.breakerState(id), now));
    await this.store.write(reports);
  }

  private async flushQuietly(): Promise<void> {
    if (this.flushing) return;
    this.flushing = this.flush()
      .catch((error: unknown) => this.warning.warn(`health flush to Redis failed: ${errorMessage(error)}`))
      .finally(() => {
        this.flushing = undefined;
      });
    await this.flushing;
  }

  private localReport(deploymentId: string): InstanceHealthReport {
    const now = this.clock();
    const stats = this.stats.get(deploymentId);
    const breaker = this.breakerState(deploymentId);
    return stats ? reportOf(stats, breaker, now) : emptyReport(breaker, now);
  }

  private breakerState(deploymentId: string): BreakerState {
    return this.options.breaker?.state(deploymentId) ?? 'closed';
  }

  private statsOf(deploymentId: string): DeploymentStats {
    let stats = this.stats.get(deploymentId);
    if (!stats) {
      stats = new DeploymentStats(this.statsOptions);
      this.stats.set(deploymentId, stats);
    }
    return stats;
  }
}

function emptyReport(breaker: BreakerState, now: number): InstanceHealthReport {
  return {
    at: now,
    requests: 0,
    errors: 0,
    inFlight: 0,
    consecutiveFailures: 0,
    latency: [],
    ttft: [],
    latencyBaselineMs: null,
    lastError: null,
    lastSuccessAt: null,
    probeFailing: false,
    lastProbeAt: null,
    breaker,
  };
}
