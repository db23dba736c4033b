import type { DeploymentConfig, ProviderType } from '@app/config';
import { createAnthropicProvider } from '../adapters/anthropic';
import { createBedrockProvider } from '../adapters/bedrock';
import {
  createAzureOpenAiProvider,
  createOpenAiCompatibleProvider,
  createOpenAiProvider,
} from '../adapters/openai';
import type { LlmProvider, ProviderFactoryFn } from '../core/provider';

/** One line per vendor: adding a vendor is its adapter folder plus one entry here. */
export const PROVIDER_FACTORIES: Readonly<Record<ProviderType, ProviderFactoryFn>> = {
  openai: createOpenAiProvider,
  azure: (deployment) => createAzureOpenAiProvider(deployment),
  'openai-compatible': createOpenAiCompatibleProvider,
  anthropic: createAnthropicProvider,
  bedrock: createBedrockProvider,
};

export function createProvider(deployment: DeploymentConfig): LlmProvider {
  return PROVIDER_FACTORIES[deployment.type](deployment);
}
