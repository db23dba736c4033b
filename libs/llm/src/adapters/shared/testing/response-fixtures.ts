import type { ChatChoice, FinishReason, ToolCall } from '../../../core/chat.types';

/** Expected values shared by the response-mapper specs of the adapters. */

/** The one choice of a mapped reply. */
export function assistantChoice(
  content: string | null,
  finishReason: FinishReason,
  toolCalls?: ToolCall[],
): ChatChoice {
  return {
    index: 0,
    message: { role: 'assistant', content, ...(toolCalls ? { tool_calls: toolCalls } : {}) },
    finish_reason: finishReason,
  };
}

/** A function tool call with its arguments as the JSON text the internal shape carries. */
export function functionCall(id: string, name: string, args: string): ToolCall {
  return { id, type: 'function', function: { name, arguments: args } };
}
