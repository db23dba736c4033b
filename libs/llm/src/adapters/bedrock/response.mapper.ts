import type { ConverseResponse, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { randomUUID } from 'node:crypto';
import type { ChatResponse, ToolCall, Usage } from '../../core/chat.types';
import { toFinishReason } from './finish-reason.mapper';

/** Converse has no response id; the AWS request id is the closest stable handle. */
export function responseId(requestId: string | undefined): string {
  return `bedrock-${requestId ?? randomUUID()}`;
}

/** Converse output → internal response. Converse reports no model id, so it is the one requested. */
export function fromConverseResponse(
  response: ConverseResponse & { $metadata?: { requestId?: string } },
  model: string,
  now = Date.now(),
): ChatResponse {
  const texts: string[] = [];
  const toolCalls: ToolCall[] = [];
  for (const block of response.output?.message?.content ?? []) {
    if (block.text !== undefined) texts.push(block.text);
    else if (block.toolUse) {
      toolCalls.push({
        id: block.toolUse.toolUseId ?? '',
        type: 'function',
        function: { name: block.toolUse.name ?? '', arguments: JSON.stringify(block.toolUse.input ?? {}) },
      });
    }
  }
  return {
    id: responseId(response.$metadata?.requestId),
    created: Math.floor(now / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: texts.length > 0 ? texts.join('') : null,
          ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: toFinishReason(response.stopReason),
      },
    ],
    usage: toUsage(response.usage),
  };
}

/** Cache reads and writes are part of the prompt the model read, so they count as prompt tokens. */
export function toUsage(usage: TokenUsage | undefined): Usage {
  const prompt =
    (usage?.inputTokens ?? 0) + (usage?.cacheReadInputTokens ?? 0) + (usage?.cacheWriteInputTokens ?? 0);
  const completion = usage?.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}
