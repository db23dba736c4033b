import { randomUUID } from 'node:crypto';
import type { RequestUsageSource } from '../events/request-usage-source';
import { toUsageEvent, type UsageMappingContext } from '../events/to-usage-event';
import type { UsageEvent } from '../events/usage-event';
import type { GatewayMetrics } from '../metrics/gateway-metrics';
import { EventBatcher, type BatcherOptions } from './event-batcher';

export interface UsageSink {
  send(events: UsageEvent[]): Promise<void>;
}

export interface UsageRecorderOptions {
  enabled: boolean;
  batching: BatcherOptions;
  mapping: Omit<UsageMappingContext, 'id' | 'occurredAt'>;
  /** Throttled by the caller; never gets event contents. */
  warn(message: string): void;
}

/**
 * Accounts for finished requests: `record` is synchronous and O(1) (metrics, then a push onto an
 * in-memory batch); batches go to Redis off the request path, and the worker writes them to PostgreSQL.
 * `drain` on shutdown sends what is still buffered.
 */
export class UsageRecorder {
  private readonly batcher: EventBatcher<UsageEvent>;
  private readonly unpricedWarned = new Set<string>();

  constructor(
    sink: UsageSink,
    private readonly metrics: GatewayMetrics,
    private readonly options: UsageRecorderOptions,
  ) {
    this.batcher = new EventBatcher(options.batching, {
      send: (batch) => sink.send(batch),
      onDropped: (count) => metrics.usageEventsDropped.inc(count),
      onSendFailed: (error, size) =>
        options.warn(`could not push ${size} usage events to Redis (kept, retrying): ${messageOf(error)}`),
    });
  }

  /** Events not yet in Redis. */
  get pending(): number {
    return this.batcher.pending;
  }

  /** Maps a finished request (a chat observer event, or an equivalent) and records it. */
  recordRequest(source: RequestUsageSource): UsageEvent | undefined {
    if (!this.options.enabled) return undefined;
    const event = toUsageEvent(source, {
      ...this.options.mapping,
      id: randomUUID(),
      occurredAt: Date.now(),
      onUnpriced: (model) => this.warnUnpriced(model),
    });
    this.record(event);
    return event;
  }

  record(event: UsageEvent): void {
    if (!this.options.enabled) return;
    this.metrics.chatRequests.inc({ kind: event.kind, outcome: event.outcome });
    if (event.cacheHit) this.metrics.cacheHits.inc({ model_group: event.modelGroup });
    const provider = event.provider ?? 'none';
    if (event.promptTokens) this.metrics.tokens.inc({ provider, direction: 'prompt' }, event.promptTokens);
    if (event.completionTokens)
      this.metrics.tokens.inc({ provider, direction: 'completion' }, event.completionTokens);
    this.batcher.add(event);
  }

  drain(timeoutMs: number): Promise<void> {
    return this.batcher.drain(timeoutMs);
  }

  private warnUnpriced(model: string): void {
    if (this.unpricedWarned.has(model)) return;
    this.unpricedWarned.add(model);
    this.options.warn(`no price for model "${model}" in analytics.prices: its cost is recorded as 0`);
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
