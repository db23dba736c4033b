import type { DeploymentConfig, ProviderType } from '@app/config';
import type { LlmProvider } from '../../core';
import { createClientSource, type OpenAiClientOptions } from './client.factory';
import { OpenAiProvider } from './openai.provider';
import type { RequestMapperOptions } from './request.mapper';

export type { AzureAdTokenProvider, OpenAiClientOptions } from './client.factory';
export { OpenAiProvider } from './openai.provider';
export { toProviderError } from './error.mapper';

function create(
  deployment: DeploymentConfig,
  expected: ProviderType,
  mapping: RequestMapperOptions,
  options: OpenAiClientOptions,
): LlmProvider {
  if (deployment.type !== expected) {
    throw new Error(`deployment ${deployment.id} has type ${deployment.type}, not ${expected}`);
  }
  return new OpenAiProvider(deployment, createClientSource(deployment, options), mapping);
}

export function createOpenAiProvider(deployment: DeploymentConfig): LlmProvider {
  return create(deployment, 'openai', { maxTokensField: 'max_completion_tokens' }, {});
}

/** `options.azureAdTokenProvider` is required when the deployment uses Entra ID (`azureAdToken`). */
export function createAzureOpenAiProvider(
  deployment: DeploymentConfig,
  options: OpenAiClientOptions = {},
): LlmProvider {
  return create(deployment, 'azure', { maxTokensField: 'max_completion_tokens' }, options);
}

export function createOpenAiCompatibleProvider(deployment: DeploymentConfig): LlmProvider {
  return create(deployment, 'openai-compatible', { maxTokensField: 'max_tokens' }, {});
}
