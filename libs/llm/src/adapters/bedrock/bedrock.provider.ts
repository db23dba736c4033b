import {
  type BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
} from '@aws-sdk/client-bedrock-runtime';
import type { DeploymentConfig, ProviderType } from '@app/config';
import type { ChatChunk, ChatRequest, ChatResponse } from '../../core/chat.types';
import type { LlmProvider } from '../../core/provider';
import { ProviderError } from '../../core/provider-error';
import { toProviderError } from './error.mapper';
import { toConverseRequest, toConverseStreamInput } from './request.mapper';
import { fromConverseResponse, responseId } from './response.mapper';
import { BedrockStreamMapper } from './stream.mapper';

/** One Bedrock deployment, called through the Converse API of the official AWS SDK. */
export class BedrockProvider implements LlmProvider {
  readonly type: ProviderType = 'bedrock';
  readonly deploymentId: string;

  constructor(
    private readonly deployment: DeploymentConfig,
    private readonly client: BedrockRuntimeClient,
  ) {
    this.deploymentId = deployment.id;
  }

  async generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
    try {
      const input = toConverseRequest(request, { defaultMaxTokens: this.maxOutputTokens(request.model) });
      const output = await this.client.send(new ConverseCommand(input), { abortSignal: signal });
      return fromConverseResponse(output, request.model);
    } catch (error) {
      throw toProviderError(error, { deploymentId: this.deploymentId, signal });
    }
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    let mapper: BedrockStreamMapper | undefined;
    // Closing the event stream early does not close the HTTP response; aborting it does.
    const consumerGone = new AbortController();
    try {
      const input = toConverseStreamInput(request, { defaultMaxTokens: this.maxOutputTokens(request.model) });
      const abortSignal = AbortSignal.any([signal, consumerGone.signal]);
      const output = await this.client.send(new ConverseStreamCommand(input), { abortSignal });
      mapper = new BedrockStreamMapper(responseId(output.$metadata.requestId), request.model);
      for await (const event of output.stream ?? []) {
        const chunk = mapper.map(event);
        if (chunk) yield chunk;
      }
    } catch (error) {
      throw toProviderError(error, { deploymentId: this.deploymentId, signal });
    } finally {
      if (!mapper?.completed) consumerGone.abort();
    }
    if (!mapper.completed) throw this.cutShort(signal);
    const last = mapper.finish();
    if (last) yield last;
  }

  async probe(signal: AbortSignal): Promise<void> {
    const model = this.deployment.models[0];
    await this.generate(
      { model: model.model ?? model.name, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1 },
      signal,
    );
  }

  private maxOutputTokens(vendorModelId: string): number | undefined {
    return this.deployment.models.find((m) => (m.model ?? m.name) === vendorModelId)?.maxOutputTokens;
  }

  private cutShort(signal: AbortSignal): ProviderError {
    const aborted = signal.aborted;
    return new ProviderError({
      code: aborted ? 'aborted' : 'invalid_response',
      status: aborted ? 499 : 502,
      message: aborted ? 'request aborted' : 'stream ended before messageStop',
      provider: 'bedrock',
      deploymentId: this.deploymentId,
    });
  }
}
