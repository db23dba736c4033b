import type { LlmProvider } from '../core/provider';
import { ProviderError, type ProviderErrorCode } from '../core/provider-error';
import type { AbortCause } from './abort-scopes';
import type { Candidate } from './model-catalog';

function errorFor(
  candidate: Candidate,
  code: ProviderErrorCode,
  status: number,
  message: string,
  cause?: unknown,
): ProviderError {
  return new ProviderError({
    code,
    status,
    message,
    provider: candidate.deployment.type,
    deploymentId: candidate.deployment.id,
    cause,
  });
}

/**
 * The error an attempt ended with when one of our own signals stopped it. Whatever the provider threw
 * on abort is ignored: our signal says why.
 * @param streaming the stream had started, so the deployment's timeout was an idle timeout
 */
export function cancellationError(
  cause: AbortCause,
  candidate: Candidate,
  requestTimeoutMs: number,
  streaming: boolean,
): ProviderError {
  const { id, timeoutMs } = candidate.deployment;
  switch (cause) {
    case 'caller':
      return errorFor(candidate, 'aborted', 499, 'request aborted by the caller');
    case 'closed':
      return errorFor(candidate, 'aborted', 499, 'stream closed by the consumer');
    case 'deadline':
      return errorFor(candidate, 'timeout', 504, `request deadline of ${requestTimeoutMs} ms exceeded`);
    case 'timeout':
      return errorFor(
        candidate,
        'timeout',
        504,
        streaming
          ? `deployment "${id}" sent no chunk for ${timeoutMs} ms`
          : `deployment "${id}" did not answer within ${timeoutMs} ms`,
      );
  }
}

/** Providers throw only ProviderError; anything else is an adapter bug, treated as a bad upstream answer. */
export function asProviderError(thrown: unknown, candidate: Candidate): ProviderError {
  if (thrown instanceof ProviderError) return thrown;
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return errorFor(candidate, 'upstream_error', 502, message, thrown);
}

export function emptyStreamError(provider: LlmProvider): ProviderError {
  return new ProviderError({
    code: 'invalid_response',
    status: 502,
    message: `deployment "${provider.deploymentId}" ended the stream before any chunk`,
    provider: provider.type,
    deploymentId: provider.deploymentId,
  });
}

/** A neutral outcome for breaker and health: we cancelled, the deployment is not to blame. */
export function cancelledByUs(candidate: Candidate): ProviderError {
  return errorFor(candidate, 'aborted', 499, 'attempt cancelled by the router');
}

const CODES_WITHOUT_VENDOR_WORK = new Set<ProviderErrorCode>([
  'rate_limited',
  'upstream_unavailable',
  'bad_request',
  'context_length_exceeded',
  'authentication_failed',
  'permission_denied',
  'model_not_found',
]);

/** The vendor refused before generating, so the reserved tokens were not used. */
export function vendorDidNoWork(error: ProviderError): boolean {
  return CODES_WITHOUT_VENDOR_WORK.has(error.code);
}
