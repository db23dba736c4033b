import Anthropic from '@anthropic-ai/sdk';
import type { DeploymentConfig } from '@app/config';

/**
 * One SDK client per deployment. Retries belong to the router (budgets, fallback), so the SDK makes one
 * attempt; its own logging is off because every failure surfaces as a ProviderError.
 */
export function createAnthropicClient(deployment: DeploymentConfig): Anthropic {
  return new Anthropic({
    apiKey: deployment.apiKey,
    baseURL: deployment.baseUrl ?? null, // null, not undefined: the config decides, not ANTHROPIC_BASE_URL
    timeout: deployment.timeoutMs,
    maxRetries: 0,
    logLevel: 'off',
  });
}
