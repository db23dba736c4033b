import type { StopReason } from '@anthropic-ai/sdk/resources/messages';
import type { FinishReason } from '../../core/chat.types';

/** Anthropic `stop_reason` → OpenAI-style `finish_reason`. */
export function toFinishReason(stopReason: StopReason | null | undefined): FinishReason {
  switch (stopReason) {
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
    default:
      return 'stop';
  }
}
