import { ChatObservers } from '@app/chat';
import { AppConfig } from '@app/config';
import { CIRCUIT_BREAKER, LlmRouter, ModelCatalog, type CircuitBreaker } from '@app/llm';
import { Inject, Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createQueue } from '@app/redis';
import type { Queue } from 'bullmq';
import { UsageBatchProducer } from '../ingest/usage-batch-producer';
import { USAGE_QUEUE } from '../ingest/usage-queue';
import { UsageRecorder } from '../ingest/usage-recorder';
import { registerBreakerStateGauge } from '../metrics/breaker-state.gauge';
import { GatewayMetrics } from '../metrics/gateway-metrics';
import { registerQueueDepthGauge, type CountableQueue } from '../metrics/queue-depth.gauge';
import { RouterMetricsListener } from '../metrics/router-metrics.listener';

/** At most this long for pushing buffered events to Redis on shutdown. */
const DRAIN_TIMEOUT_MS = 5_000;

/**
 * Connects analytics to the rest of the process: finished chat requests become usage events, router
 * attempts become upstream metrics, scrape-time gauges read breakers and queues. On shutdown (after the
 * HTTP server has drained), buffered events are pushed to Redis before the connection closes.
 */
@Injectable()
export class AnalyticsSubscriptions implements OnModuleInit, OnApplicationShutdown {
  private readonly unsubscribe: (() => void)[] = [];
  private readonly gaugeQueues: Queue[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly recorder: UsageRecorder,
    private readonly producer: UsageBatchProducer,
    private readonly metrics: GatewayMetrics,
    private readonly chatObservers: ChatObservers,
    private readonly router: LlmRouter,
    private readonly catalog: ModelCatalog,
    @Inject(CIRCUIT_BREAKER) private readonly breaker: CircuitBreaker,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.chatObservers.add({ onChatFinished: (event) => void this.recorder.recordRequest(event) }),
    );
    this.unsubscribe.push(this.router.addListener(new RouterMetricsListener(this.metrics)));
    registerBreakerStateGauge(this.metrics, this.catalog, this.breaker);
    this.metrics.addGauge(
      'mpb_usage_events_pending',
      'Usage events buffered in this process, not yet pushed to Redis',
      [],
      (gauge) => gauge.set(this.recorder.pending),
    );
    registerQueueDepthGauge(this.metrics, this.countedQueues());
  }

  async onApplicationShutdown(): Promise<void> {
    this.unsubscribe.forEach((unsubscribe) => unsubscribe());
    // chat observers are told on the next macrotask: let the last ones arrive
    await new Promise((resolve) => setImmediate(resolve));
    await this.recorder.drain(Math.min(DRAIN_TIMEOUT_MS, this.config.server.shutdownTimeoutMs));
    await Promise.all(this.gaugeQueues.map((queue) => queue.close().catch(() => undefined)));
    await this.producer.close();
  }

  private countedQueues(): CountableQueue[] {
    return this.config.analytics.metrics.queues.map((name) => {
      if (name === USAGE_QUEUE) return this.producer.queue;
      const queue = createQueue(name, this.producer.connection);
      this.gaugeQueues.push(queue);
      return queue;
    });
  }
}
