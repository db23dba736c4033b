import type { DeploymentConfig } from '@app/config';
import type { LlmProvider } from '../core/provider';
import { ProviderError } from '../core/provider-error';
import type { ProbeRecorder, ProbeResult } from './health-monitor';

export interface ProbeTarget {
  deployment: DeploymentConfig;
  provider: LlmProvider;
}

export interface HealthProberOptions {
  /** Only enabled deployments with `probe: true` are probed. */
  targets: ProbeTarget[];
  /** `RoutingConfig.healthProbeIntervalMs`; 0 turns probing off. */
  intervalMs: number;
  recorder: ProbeRecorder;
  clock?: () => number;
}

/**
 * Active health: calls `provider.probe()` for each opted-in deployment once at start and then every
 * interval, each bounded by the deployment's timeout. A deployment whose previous probe has not settled
 * is skipped, so probes of one deployment never overlap even when the vendor hangs.
 */
export class HealthProber {
  private readonly targets: ProbeTarget[];
  private readonly clock: () => number;
  private readonly running = new Map<string, AbortController>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: HealthProberOptions) {
    this.targets = options.targets.filter(({ deployment }) => deployment.enabled && deployment.probe);
    this.clock = options.clock ?? (() => Date.now());
  }

  start(): void {
    if (this.options.intervalMs <= 0 || this.targets.length === 0 || this.timer) return;
    this.probeAll();
    this.timer = setInterval(() => this.probeAll(), this.options.intervalMs);
    this.timer.unref();
  }

  /**
   * Stops scheduling and aborts probes in flight without recording them. Does not wait for them: a vendor
   * that ignores the abort must not hold up shutdown.
   */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    for (const controller of this.running.values()) controller.abort();
  }

  isProbing(deploymentId: string): boolean {
    return this.running.has(deploymentId);
  }

  private probeAll(): void {
    for (const target of this.targets) {
      const id = target.deployment.id;
      if (this.running.has(id)) continue;
      const controller = new AbortController();
      this.running.set(id, controller);
      void this.probeOnce(target, controller).finally(() => this.running.delete(id));
    }
  }

  private async probeOnce({ deployment, provider }: ProbeTarget, controller: AbortController): Promise<void> {
    const startedAt = this.clock();
    let recorded = false;
    const record = (result: Omit<ProbeResult, 'latencyMs'>): void => {
      // an abort before anything was recorded is stop(): nothing to report
      if (recorded || controller.signal.aborted) return;
      recorded = true;
      this.options.recorder.probeFinished(deployment.id, { ...result, latencyMs: this.clock() - startedAt });
    };
    // The timeout is recorded when it fires, even if the provider ignores the abort and never settles.
    const timeout = setTimeout(() => {
      record({
        ok: false,
        error: probeError(
          deployment,
          provider,
          'timeout',
          `probe timed out after ${deployment.timeoutMs} ms`,
        ),
      });
      controller.abort();
    }, deployment.timeoutMs);
    timeout.unref();

    try {
      await provider.probe(controller.signal);
      record({ ok: true });
    } catch (error) {
      record({
        ok: false,
        error:
          error instanceof ProviderError
            ? error
            : probeError(deployment, provider, 'upstream_error', String(error)),
      });
    } finally {
      clearTimeout(timeout);
    }
  }
}

function probeError(
  deployment: DeploymentConfig,
  provider: LlmProvider,
  code: 'timeout' | 'upstream_error',
  message: string,
): ProviderError {
  return new ProviderError({
    code,
    message,
    status: code === 'timeout' ? 504 : 502,
    provider: provider.type,
    deploymentId: deployment.id,
  });
}
