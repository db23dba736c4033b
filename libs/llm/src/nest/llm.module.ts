import { AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Global, Logger, Module } from '@nestjs/common';
import { HealthMonitor } from '../health/health-monitor';
import { HealthProber } from '../health/health-prober';
import { createProvider } from '../registry/provider-registry';
import type { CapacityLimiter, CircuitBreaker } from '../router/deployment-gates';
import { ModelCatalog } from '../router/model-catalog';
import { LlmRouter } from '../router/router';
import { capacityLimiterFor, circuitBreakerFor, healthMonitorFor } from './llm-backends';
import { ProviderStatusService } from './provider-status.service';
import { LlmLifecycle } from './llm-lifecycle.service';
import { CAPACITY_LIMITER, CIRCUIT_BREAKER } from './llm.tokens';

/**
 * Providers, router and health monitor for any process that calls vendors (api and worker alike).
 * One provider (SDK client) per deployment, built once at start-up. Capacity and health use Redis in full
 * mode and stay in memory in embedded mode (llm-backends.ts).
 */
@Global()
@Module({
  providers: [
    {
      provide: ModelCatalog,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const catalog = new ModelCatalog(
          config.providers.filter((d) => d.enabled),
          config.routing,
          createProvider,
        );
        const logger = new Logger('ModelCatalog');
        catalog.warnings.forEach((w) => logger.warn(w));
        return catalog;
      },
    },
    {
      provide: CIRCUIT_BREAKER,
      inject: [AppConfig],
      useFactory: circuitBreakerFor,
    },
    {
      provide: CAPACITY_LIMITER,
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: capacityLimiterFor,
    },
    {
      provide: HealthMonitor,
      inject: [AppConfig, REDIS_CLIENT, CIRCUIT_BREAKER],
      useFactory: healthMonitorFor,
    },
    {
      provide: HealthProber,
      inject: [AppConfig, ModelCatalog, HealthMonitor],
      useFactory: (config: AppConfig, catalog: ModelCatalog, monitor: HealthMonitor) =>
        new HealthProber({
          targets: [...catalog.deployments()],
          intervalMs: config.routing.healthProbeIntervalMs,
          recorder: monitor,
        }),
    },
    {
      provide: LlmRouter,
      inject: [AppConfig, ModelCatalog, CIRCUIT_BREAKER, CAPACITY_LIMITER, HealthMonitor],
      useFactory: (
        config: AppConfig,
        catalog: ModelCatalog,
        breaker: CircuitBreaker,
        capacity: CapacityLimiter,
        health: HealthMonitor,
      ) => new LlmRouter({ catalog, routing: config.routing, breaker, capacity, health }),
    },
    ProviderStatusService,
    LlmLifecycle,
  ],
  exports: [LlmRouter, ModelCatalog, HealthMonitor, ProviderStatusService, CIRCUIT_BREAKER, CAPACITY_LIMITER],
})
export class LlmModule {}
