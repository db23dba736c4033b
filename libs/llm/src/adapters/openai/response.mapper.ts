import type { ChatCompletion, ChatCompletionMessageToolCall } from 'openai/resources/chat/completions';
import type { CompletionUsage } from 'openai/resources/completions';
import type { ChatChoice, ChatResponse, ToolCall, Usage } from '../../core';
import { mapFinishReason } from './finish-reason.mapper';
import { InvalidVendorResponseError } from './mapping-errors';

/** Vendors that omit usage (some OpenAI-compatible servers) are accounted as zero. */
export function toUsage(usage: CompletionUsage | null | undefined): Usage {
  const prompt = usage?.prompt_tokens ?? 0;
  const completion = usage?.completion_tokens ?? 0;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: usage?.total_tokens ?? prompt + completion,
  };
}

/** Only function tools are ever sent, so other (custom) tool calls cannot be ours and are dropped. */
export function toToolCalls(
  calls: ChatCompletionMessageToolCall[] | null | undefined,
): ToolCall[] | undefined {
  const functionCalls = (calls ?? []).flatMap((call): ToolCall[] =>
    call.type === 'function'
      ? [
          {
            id: call.id,
            type: 'function',
            function: { name: call.function.name, arguments: call.function.arguments },
          },
        ]
      : [],
  );
  return functionCalls.length > 0 ? functionCalls : undefined;
}

function toChoice(choice: ChatCompletion.Choice): ChatChoice {
  const toolCalls = toToolCalls(choice.message.tool_calls);
  return {
    index: choice.index,
    message: {
      role: 'assistant',
      // A refusal is the model's answer; it would be lost otherwise.
      content: choice.message.content ?? choice.message.refusal ?? null,
      ...(toolCalls ? { tool_calls: toolCalls } : {}),
    },
    finish_reason: mapFinishReason(choice.finish_reason) ?? 'stop',
  };
}

/**
 * The SDK returns whatever a 200 carried (text for a non-JSON body), so the shape is checked before use.
 */
export function toChatResponse(completion: ChatCompletion): ChatResponse {
  const candidate: unknown = completion;
  if (candidate === null || typeof candidate !== 'object' || !Array.isArray(completion.choices)) {
    throw new InvalidVendorResponseError('the vendor answered 200 without a chat completion');
  }
  if (completion.choices.length === 0) throw new InvalidVendorResponseError('the vendor returned no choices');
  return {
    id: completion.id,
    created: completion.created,
    model: completion.model,
    choices: completion.choices.map(toChoice),
    usage: toUsage(completion.usage),
  };
}
