import type Anthropic from '@anthropic-ai/sdk';
import type { MessageCreateParamsNonStreaming } from '@anthropic-ai/sdk/resources/messages';
import type { DeploymentConfig, ProviderType } from '@app/config';
import type { ChatChunk, ChatRequest, ChatResponse } from '../../core/chat.types';
import type { LlmProvider } from '../../core/provider';
import { ProviderError } from '../../core/provider-error';
import { StreamIdleTimer } from '../shared/stream-idle-timer';
import { toProviderError } from './error.mapper';
import { DEFAULT_MAX_TOKENS, toAnthropicRequest } from './request.mapper';
import { fromAnthropicMessage } from './response.mapper';
import { AnthropicStreamMapper } from './stream.mapper';

/** One Anthropic deployment, called through the official SDK's messages API. */
export class AnthropicProvider implements LlmProvider {
  readonly type: ProviderType = 'anthropic';
  readonly deploymentId: string;

  constructor(
    private readonly deployment: DeploymentConfig,
    private readonly client: Anthropic,
  ) {
    this.deploymentId = deployment.id;
  }

  async generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
    try {
      const message = await this.client.messages.create(this.toParams(request), { signal });
      return fromAnthropicMessage(message);
    } catch (error) {
      throw toProviderError(error, { deploymentId: this.deploymentId, signal });
    }
  }

  /** The SDK's timeout covers the wait for headers only; the idle timer covers the gaps between events. */
  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    const mapper = new AnthropicStreamMapper(request.model);
    const idle = new StreamIdleTimer(this.deployment.timeoutMs, signal);
    try {
      const events = await this.client.messages.create(
        { ...this.toParams(request), stream: true },
        { signal: idle.signal },
      );
      idle.restart();
      for await (const event of events) {
        idle.pause();
        const chunk = mapper.map(event);
        if (chunk) yield chunk;
        idle.restart();
      }
    } catch (error) {
      throw toProviderError(idle.fired ? idle.error : error, { deploymentId: this.deploymentId, signal });
    } finally {
      idle.pause();
    }
    // The SDK ends an aborted stream quietly (ours or the idle timer's): the caller must learn it was cut.
    if (idle.fired) throw toProviderError(idle.error, { deploymentId: this.deploymentId, signal });
    if (!mapper.completed) throw this.cutShort(signal);
  }

  async probe(signal: AbortSignal): Promise<void> {
    const model = this.deployment.models[0];
    await this.generate(
      { model: model.model ?? model.name, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
      signal,
    );
  }

  private toParams(request: ChatRequest): MessageCreateParamsNonStreaming {
    return toAnthropicRequest(request, this.maxOutputTokens(request.model));
  }

  private maxOutputTokens(vendorModelId: string): number {
    const model = this.deployment.models.find((m) => (m.model ?? m.name) === vendorModelId);
    return model?.maxOutputTokens ?? DEFAULT_MAX_TOKENS;
  }

  private cutShort(signal: AbortSignal): ProviderError {
    const aborted = signal.aborted;
    return new ProviderError({
      code: aborted ? 'aborted' : 'invalid_response',
      status: aborted ? 499 : 502,
      message: aborted ? 'request aborted' : 'stream ended before message_stop',
      provider: 'anthropic',
      deploymentId: this.deploymentId,
    });
  }
}
