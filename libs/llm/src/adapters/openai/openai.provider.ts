import type { DeploymentConfig, ProviderType } from '@app/config';
import type { ChatChunk, ChatRequest, ChatResponse, LlmProvider } from '../../core';
import type { OpenAiClientSource } from './client.factory';
import { toProviderError } from './error.mapper';
import { InvalidVendorResponseError } from './mapping-errors';
import { toChatCompletionParams, toStreamingParams, type RequestMapperOptions } from './request.mapper';
import { toChatResponse } from './response.mapper';
import { toChatChunk } from './stream.mapper';
import { VendorDeadline } from './vendor-deadline';

/** OpenAI, Azure OpenAI and OpenAI-compatible deployments: one wire format, one SDK. */
export class OpenAiProvider implements LlmProvider {
  readonly deploymentId: string;
  readonly type: ProviderType;

  constructor(
    private readonly deployment: DeploymentConfig,
    private readonly clients: OpenAiClientSource,
    private readonly mapping: RequestMapperOptions,
  ) {
    this.deploymentId = deployment.id;
    this.type = deployment.type;
  }

  async generate(request: ChatRequest, signal: AbortSignal): Promise<ChatResponse> {
    const deadline = new VendorDeadline(signal, this.deployment.timeoutMs);
    try {
      const client = this.clients.forModel(request.model);
      const params = toChatCompletionParams(request, this.mapping);
      return toChatResponse(await client.chat.completions.create(params, { signal: deadline.signal }));
    } catch (error) {
      throw this.toError(error, signal, deadline);
    } finally {
      deadline.dispose();
    }
  }

  async *stream(request: ChatRequest, signal: AbortSignal): AsyncGenerator<ChatChunk> {
    const deadline = new VendorDeadline(signal, this.deployment.timeoutMs);
    let finished = false;
    try {
      const client = this.clients.forModel(request.model);
      const params = toStreamingParams(request, this.mapping);
      const chunks = await client.chat.completions.create(params, { signal: deadline.signal });
      for await (const sdkChunk of chunks) {
        const chunk = toChatChunk(sdkChunk);
        if (!chunk) continue;
        finished ||= chunk.choices.some((choice) => choice.finish_reason !== null);
        deadline.pause();
        yield chunk;
        deadline.restart();
      }
      // The SDK ends a stream quietly when aborted or when the body just stops; neither is a whole answer.
      if (!finished) throw new InvalidVendorResponseError('the stream ended before the model finished');
    } catch (error) {
      throw this.toError(error, signal, deadline);
    } finally {
      deadline.dispose();
    }
  }

  /** Listing models costs no tokens and proves the endpoint and the credentials. */
  async probe(signal: AbortSignal): Promise<void> {
    const deadline = new VendorDeadline(signal, this.deployment.timeoutMs);
    try {
      const [firstModel] = this.deployment.models;
      await this.clients
        .forModel(firstModel.model ?? firstModel.name)
        .models.list({ signal: deadline.signal });
    } catch (error) {
      throw this.toError(error, signal, deadline);
    } finally {
      deadline.dispose();
    }
  }

  private toError(error: unknown, signal: AbortSignal, deadline: VendorDeadline): Error {
    return toProviderError(error, {
      provider: this.type,
      deploymentId: this.deploymentId,
      signal,
      timedOut: deadline.timedOut,
    });
  }
}
