import type { FinishReason } from '../../core';

const FINISH_REASONS = new Map<string, FinishReason>([
  ['stop', 'stop'],
  ['length', 'length'],
  ['tool_calls', 'tool_calls'],
  ['content_filter', 'content_filter'],
  ['function_call', 'tool_calls'],
]);

/**
 * null while a stream is still going. Reasons outside OpenAI's list (OpenAI-compatible servers invent
 * their own, e.g. "eos") mean the model ended normally.
 */
export function mapFinishReason(reason: string | null | undefined): FinishReason | null {
  if (reason === null || reason === undefined) return null;
  return FINISH_REASONS.get(reason) ?? 'stop';
}
