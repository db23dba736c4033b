import type { BreakerConfig, DeploymentConfig, RetryConfig, RoutingConfig } from '@app/config';
import type { ChatRequest } from '../../core/chat.types';

/** Plain objects with the schema's defaults (the config classes need reflect-metadata to load). */
export function deploymentConfig(id: string, overrides: Partial<DeploymentConfig> = {}): DeploymentConfig {
  return {
    id,
    type: 'openai',
    enabled: true,
    apiKey: 'test-key',
    models: [{ name: 'chat' }],
    priority: 0,
    weight: 1,
    timeoutMs: 60_000,
    maxRetries: 1,
    rpm: 0,
    tpm: 0,
    probe: false,
    ...overrides,
  };
}

export interface RoutingOverrides extends Partial<Omit<RoutingConfig, 'retry' | 'breaker'>> {
  retry?: Partial<RetryConfig>;
  breaker?: Partial<BreakerConfig>;
}

export function routingConfig(overrides: RoutingOverrides = {}): RoutingConfig {
  const { retry, breaker, ...rest } = overrides;
  return {
    defaultStrategy: 'priority',
    groups: [],
    requestTimeoutMs: 120_000,
    healthProbeIntervalMs: 30_000,
    ...rest,
    retry: {
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 2_000,
      budgetRatio: 0.2,
      budgetMinPerSecond: 5,
      ...retry,
    },
    breaker: {
      failureThreshold: 5,
      cooldownMs: 30_000,
      errorRateThreshold: 0.5,
      minRequests: 20,
      windowMs: 60_000,
      ...breaker,
    },
  };
}

export function chatRequest(model = 'chat', overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model, messages: [{ role: 'user', content: 'Say hello' }], ...overrides };
}
