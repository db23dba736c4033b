import type { Message, Usage as AnthropicUsage } from '@anthropic-ai/sdk/resources/messages';
import type { ChatResponse, ToolCall, Usage } from '../../core/chat.types';
import { toFinishReason } from './finish-reason.mapper';

/** Anthropic message → internal response: text blocks joined, tool_use blocks → tool_calls. */
export function fromAnthropicMessage(message: Message, now = Date.now()): ChatResponse {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of message.content) {
    if (block.type === 'text') texts.push(block.text);
    else if (block.type === 'tool_use') {
      toolCalls.push({
        id: block.id,
        type: 'function',
        function: { name: block.name, arguments: JSON.stringify(block.input ?? {}) },
      });
    }
  }
  return {
    id: message.id,
    created: Math.floor(now / 1000),
    model: message.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: texts.length > 0 ? texts.join('') : null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toFinishReason(message.stop_reason),
      },
    ],
    usage: toUsage(message.usage),
  };
}

/** Cached input tokens count as prompt tokens: they are part of the prompt the model read. */
export function toUsage(
  usage: Pick<AnthropicUsage, 'input_tokens' | 'output_tokens'> & Partial<AnthropicUsage>,
): Usage {
  const prompt =
    (usage.input_tokens ?? 0) +
    (usage.cache_creation_input_tokens ?? 0) +
    (usage.cache_read_input_tokens ?? 0);
  const completion = usage.output_tokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
