import type { AttemptRecord, RouteFinishedEvent, RouterListener } from '@app/llm';
import { countFallbacks } from '../events/to-usage-event';
import type { GatewayMetrics } from './gateway-metrics';

/** Upstream latency, attempt outcomes and fallbacks, straight from the router (every process that routes). */
export class RouterMetricsListener implements RouterListener {
  constructor(private readonly metrics: GatewayMetrics) {}

  onAttempt(record: AttemptRecord): void {
    const labels = { provider: record.provider, deployment: record.deploymentId };
    this.metrics.upstreamAttempts.inc({
      ...labels,
      outcome: record.ok ? 'ok' : (record.errorCode ?? 'error'),
    });
    this.metrics.upstreamLatency.observe(labels, record.latencyMs / 1_000);
  }

  onFinished(event: RouteFinishedEvent): void {
    const fallbacks = countFallbacks(event.attempts);
    if (fallbacks > 0) this.metrics.fallbacks.inc({ model_group: event.requestedModel }, fallbacks);
  }
}
