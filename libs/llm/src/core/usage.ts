import type { Usage } from './chat.types';

/**
 * The most tokens a vendor's usage report is believed for one request: the 32-bit range the usage tables
 * store. Reports are vendor input, and feed token budgets, capacity, costs and analytics.
 */
export const MAX_REPORTED_TOKENS = 2_147_483_647;

function isSane(value: number): boolean {
  return Number.isInteger(value) && value >= 0 && value <= MAX_REPORTED_TOKENS;
}

function tokenCount(value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return 0;
  return Math.min(Math.max(Math.floor(value), 0), MAX_REPORTED_TOKENS);
}

/**
 * A vendor's usage as numbers the gateway can account with: whole, non-negative, within range, the total
 * at least prompt + completion. A negative count would refund a caller's budget; NaN, a string or 1e300
 * would fail the analytics write of the whole batch. The same object comes back when it is already sane.
 */
export function saneUsage(usage: Usage): Usage {
  const { prompt_tokens: prompt, completion_tokens: completion, total_tokens: total } = usage;
  if (isSane(prompt) && isSane(completion) && isSane(total) && total >= prompt + completion) return usage;
  const promptTokens = tokenCount(prompt);
  const completionTokens = tokenCount(completion);
  return {
    ...usage,
    prompt_tokens: promptTokens,
    completion_tokens: completionTokens,
    total_tokens: Math.min(Math.max(tokenCount(total), promptTokens + completionTokens), MAX_REPORTED_TOKENS),
  };
}
