import type { DeploymentConfig, ProviderType } from '@app/config';
import type { ChatChunk, ChatRequest, ChatResponse } from './chat.types';

/**
 * One configured deployment of one vendor, called through that vendor's official SDK.
 * `request.model` is already the vendor's model id. Implementations throw only `ProviderError`.
 */
export interface LlmProvider {
  readonly deploymentId: string;
  readonly type: ProviderType;
  generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse>;
  /** Chunks as the vendor sends them, normalised; the last chunk carries usage when the vendor reports it. */
  stream(request: ChatRequest, signal: AbortSignal): AsyncIterable<ChatChunk>;
  /** A cheap call that proves the deployment answers; throws ProviderError when it does not. */
  probe(signal: AbortSignal): Promise<void>;
}

export type ProviderFactoryFn = (deployment: DeploymentConfig) => LlmProvider;
