import type { DeploymentConfig } from '@app/config';
import type { LlmProvider } from '../../core/provider';
import { AnthropicProvider } from './anthropic.provider';
import { createAnthropicClient } from './client.factory';

export { AnthropicProvider } from './anthropic.provider';

export function createAnthropicProvider(deployment: DeploymentConfig): LlmProvider {
  return new AnthropicProvider(deployment, createAnthropicClient(deployment));
}
