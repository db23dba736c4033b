import type { ProviderError, ProviderErrorCode } from '../core/provider-error';
import type { AttemptOutcome } from '../router/deployment-gates';

/**
 * Failures that say nothing about the deployment: the caller sent something the vendor refused, or went
 * away. They count as traffic but neither as errors nor as proof of health.
 */
const CALLER_CAUSED: ReadonlySet<ProviderErrorCode> = new Set<ProviderErrorCode>([
  'bad_request',
  'context_length_exceeded',
  'content_filtered',
  'aborted',
]);

export type AttemptVerdict = 'success' | 'failure' | 'neutral';

export function attemptVerdict(outcome: AttemptOutcome): AttemptVerdict {
  if (outcome.ok) return 'success';
  return outcome.error && isCallerCaused(outcome.error) ? 'neutral' : 'failure';
}

function isCallerCaused(error: ProviderError): boolean {
  return CALLER_CAUSED.has(error.code);
}
