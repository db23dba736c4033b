import type { DeploymentConfig } from '@app/config';
import type { LlmProvider } from '../../core/provider';
import { BedrockProvider } from './bedrock.provider';
import { createBedrockClient } from './client.factory';

export { BedrockProvider } from './bedrock.provider';

export function createBedrockProvider(deployment: DeploymentConfig): LlmProvider {
  return new BedrockProvider(deployment, createBedrockClient(deployment));
}
