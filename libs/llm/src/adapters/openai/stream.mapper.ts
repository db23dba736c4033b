import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { ChatChunk, ChatChunkChoice, ToolCallDelta } from '../../core';
import { mapFinishReason } from './finish-reason.mapper';
import { InvalidVendorResponseError } from './mapping-errors';
import { toUsage } from './response.mapper';
import { withoutUndefined } from './without-undefined';

type SdkDelta = ChatCompletionChunk.Choice.Delta;

function toToolCallDelta(call: ChatCompletionChunk.Choice.Delta.ToolCall): ToolCallDelta {
  return withoutUndefined({
    index: call.index,
    id: call.id,
    type: call.type === 'function' ? 'function' : undefined,
    function: call.function
      ? withoutUndefined({ name: call.function.name, arguments: call.function.arguments })
      : undefined,
  });
}

function toDelta(delta: SdkDelta | undefined): ChatChunkChoice['delta'] {
  const content = delta?.content ?? delta?.refusal;
  // Only function tools are ever sent, so custom tool-call deltas cannot be ours.
  const toolCalls = delta?.tool_calls?.filter((call) => call.type !== 'custom' && !call.custom);
  return withoutUndefined({
    role: delta?.role === 'assistant' ? delta.role : undefined,
    content: content ?? undefined,
    tool_calls: toolCalls?.length ? toolCalls.map(toToolCallDelta) : undefined,
  });
}

/**
 * One SDK chunk as the internal chunk; undefined for chunks that carry nothing for the caller
 * (Azure opens streams with a prompt-filter chunk without choices).
 */
export function toChatChunk(chunk: ChatCompletionChunk): ChatChunk | undefined {
  const candidate: unknown = chunk;
  if (candidate === null || typeof candidate !== 'object' || !Array.isArray(chunk.choices)) {
    throw new InvalidVendorResponseError(
      'the vendor sent a stream event that is not a chat completion chunk',
    );
  }
  if (chunk.choices.length === 0 && !chunk.usage) return undefined;
  return {
    id: chunk.id,
    created: chunk.created,
    model: chunk.model,
    choices: chunk.choices.map((choice) => ({
      index: choice.index,
      delta: toDelta(choice.delta),
      finish_reason: mapFinishReason(choice.finish_reason),
    })),
    ...(chunk.usage ? { usage: toUsage(chunk.usage) } : {}),
  };
}
