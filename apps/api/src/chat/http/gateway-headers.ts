import type { CacheStatus } from '@app/cache';
import type { ChatRouting } from '@app/chat';

/** Request headers a caller may send to steer routing and caching (documented in Swagger). */
export const HINT_HEADERS = {
  deployment: 'x-gateway-deployment',
  provider: 'x-gateway-provider',
  fallback: 'x-gateway-fallback',
  timeoutMs: 'x-gateway-timeout-ms',
  cache: 'x-gateway-cache',
} as const;

/** Response headers naming who served and how. */
export const RESULT_HEADERS = {
  provider: 'x-gateway-provider',
  deployment: 'x-gateway-deployment',
  model: 'x-gateway-model',
  attempts: 'x-gateway-attempts',
  cache: 'x-gateway-cache',
} as const;

export function gatewayHeaders(routing: ChatRouting, cache: CacheStatus): Record<string, string> {
  return {
    [RESULT_HEADERS.provider]: routing.provider,
    [RESULT_HEADERS.deployment]: routing.deploymentId,
    [RESULT_HEADERS.model]: routing.model,
    [RESULT_HEADERS.attempts]: String(routing.attempts.length),
    [RESULT_HEADERS.cache]: cache,
  };
}
