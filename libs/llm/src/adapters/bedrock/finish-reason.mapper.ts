import type { StopReason } from '@aws-sdk/client-bedrock-runtime';
import type { FinishReason } from '../../core/chat.types';

/** Converse `stopReason` → OpenAI-style `finish_reason`. */
export function toFinishReason(stopReason: StopReason | string | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'content_filtered':
    case 'guardrail_intervened':
      return 'content_filter';
    default:
      return 'stop';
  }
}
