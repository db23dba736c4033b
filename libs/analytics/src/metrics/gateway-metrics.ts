import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Latency buckets in seconds: 5 ms to 2 min, enough resolution around typical LLM latencies. */
const LATENCY_BUCKETS_S = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120];

/**
 * The process's Prometheus registry and the metrics the gateway updates (request path: counter and
 * histogram updates only, O(1) each). Gauges that need I/O or other services are registered by their
 * collectors (breaker state, queue depth) and computed on scrape.
 */
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly httpRequests = new Counter({
    name: 'mpb_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'mpb_http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });

  readonly upstreamAttempts = new Counter({
    name: 'mpb_upstream_attempts_total',
    help: 'Calls to vendor deployments by outcome (ok or the error code)',
    labelNames: ['provider', 'deployment', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly upstreamLatency = new Histogram({
    name: 'mpb_upstream_latency_seconds',
    help: 'Duration of calls to vendor deployments (streams: until the last chunk)',
    labelNames: ['provider', 'deployment'] as const,
    buckets: LATENCY_BUCKETS_S,
    registers: [this.registry],
  });

  readonly fallbacks = new Counter({
    name: 'mpb_fallbacks_total',
    help: 'Moves to another deployment within one request, by requested model or group',
    labelNames: ['model_group'] as const,
    registers: [this.registry],
  });

  readonly chatRequests = new Counter({
    name: 'mpb_chat_requests_total',
    help: 'Finished chat requests by kind (chat, stream, task) and outcome',
    labelNames: ['kind', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly cacheHits = new Counter({
    name: 'mpb_cache_hits_total',
    help: 'Chat requests answered from the response cache, by requested model or group',
    labelNames: ['model_group'] as const,
    registers: [this.registry],
  });

  readonly tokens = new Counter({
    name: 'mpb_tokens_total',
    help: 'Tokens of finished chat requests by provider and direction (prompt, completion)',
    labelNames: ['provider', 'direction'] as const,
    registers: [this.registry],
  });

  readonly usageEventsDropped = new Counter({
    name: 'mpb_usage_events_dropped_total',
    help: 'Usage events dropped because the in-memory buffer was full (Redis unreachable too long)',
    registers: [this.registry],
  });

  readonly usageEventsWritten = new Counter({
    name: 'mpb_usage_events_written_total',
    help: 'Usage events the writer committed to PostgreSQL (worker)',
    registers: [this.registry],
  });

  readonly usageWriteFailures = new Counter({
    name: 'mpb_usage_write_failures_total',
    help: 'Usage batches the writer could not commit yet (retried) or at all (permanent), by kind (worker)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'mpb_' });
  }

  /** A gauge computed on scrape; `collect` may be async (it is awaited by the registry). */
  addGauge<L extends string>(
    name: string,
    help: string,
    labelNames: readonly L[],
    collect: (gauge: Gauge<L>) => void | Promise<void>,
  ): Gauge<L> {
    return new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        return collect(this);
      },
    });
  }
}
