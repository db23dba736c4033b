import {
  AccessDeniedException,
  InternalServerException,
  ModelErrorException,
  ModelNotReadyException,
  ModelStreamErrorException,
  ModelTimeoutException,
  ResourceNotFoundException,
  ServiceQuotaExceededException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { ProviderError } from '../../core/provider-error';
import { RequestMappingError } from '../shared/request-mapping-error';
import { toProviderError } from './error.mapper';

const context = { deploymentId: 'bedrock-1' };
const meta = (httpStatusCode?: number) => ({ $metadata: httpStatusCode ? { httpStatusCode } : {} });

describe('toProviderError (Bedrock)', () => {
  it.each([
    [new ThrottlingException({ message: 'Too many requests', ...meta(429) }), 'rate_limited', 429, true],
    [new ServiceQuotaExceededException({ message: 'Quota', ...meta(400) }), 'rate_limited', 429, true],
    [
      new ServiceUnavailableException({ message: 'Unavailable', ...meta(503) }),
      'upstream_unavailable',
      503,
      true,
    ],
    [new ModelNotReadyException({ message: 'Not ready', ...meta(429) }), 'upstream_unavailable', 503, true],
    [new InternalServerException({ message: 'Oops', ...meta(500) }), 'upstream_error', 500, true],
    [new ModelErrorException({ message: 'Model failed', ...meta(424) }), 'upstream_error', 502, true],
    [new ModelTimeoutException({ message: 'Model slow', ...meta(408) }), 'upstream_unavailable', 408, true],
    [new ValidationException({ message: 'Bad field', ...meta(400) }), 'bad_request', 400, false],
    [new AccessDeniedException({ message: 'Denied', ...meta(403) }), 'permission_denied', 403, false],
    [new ResourceNotFoundException({ message: 'No model', ...meta(404) }), 'model_not_found', 404, false],
  ])('%#: %s → %s', (exception, code, status, retryable) => {
    const error = toProviderError(exception, context);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      code,
      status,
      retryable,
      message: exception.message,
      provider: 'bedrock',
      deploymentId: 'bedrock-1',
    });
  });

  it('maps exceptions that arrive as stream events (no HTTP status) by their modelled status', () => {
    expect(
      toProviderError(new ModelStreamErrorException({ message: 'stream broke', ...meta() }), context),
    ).toMatchObject({
      code: 'upstream_error',
      status: 502,
      retryable: true,
    });
    const lowerCase = Object.assign(new Error('slow down'), { name: 'throttlingException' });
    expect(toProviderError(lowerCase, context)).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryable: true,
    });
  });

  it('reads Retry-After from the raw response of a throttle', () => {
    const throttled = new ThrottlingException({ message: 'x', ...meta(429) });
    Object.defineProperty(throttled, '$response', {
      value: { statusCode: 429, headers: { 'retry-after': '4' } },
    });
    expect(toProviderError(throttled, context).retryAfterMs).toBe(4000);
  });

  it('recognises an input that is too long', () => {
    const error = toProviderError(
      new ValidationException({ message: 'Input is too long for requested model.', ...meta(400) }),
      context,
    );
    expect(error).toMatchObject({ code: 'context_length_exceeded', retryable: false });
  });

  it('falls back to the HTTP status for unmodelled errors', () => {
    const unknown = (status: number) =>
      Object.assign(new Error(`status ${status}`), {
        name: 'UnknownError',
        $metadata: { httpStatusCode: status },
      });
    expect(toProviderError(unknown(429), context)).toMatchObject({ code: 'rate_limited' });
    expect(toProviderError(unknown(401), context)).toMatchObject({ code: 'authentication_failed' });
    expect(toProviderError(unknown(502), context)).toMatchObject({
      code: 'upstream_unavailable',
      retryable: true,
    });
    expect(toProviderError(unknown(418), context)).toMatchObject({ code: 'bad_request', retryable: false });
    expect(
      toProviderError(Object.assign(new Error('bad sig'), { name: 'InvalidSignatureException' }), context),
    ).toMatchObject({
      code: 'authentication_failed',
    });
  });

  it('maps transport failures', () => {
    const requestTimeout = Object.assign(new Error('request exceeded 300 ms requestTimeout'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    });
    expect(toProviderError(requestTimeout, context)).toMatchObject({
      code: 'timeout',
      status: 504,
      retryable: true,
    });
    const socketIdle = Object.assign(new Error('socket timed out after 300 ms of inactivity'), {
      name: 'TimeoutError',
    });
    expect(toProviderError(socketIdle, context)).toMatchObject({ code: 'timeout' });
    // The Node handler renames a reset "TimeoutError" while keeping its code.
    const reset = Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' });
    expect(toProviderError(reset, context)).toMatchObject({
      code: 'connection_error',
      status: 502,
      retryable: true,
    });
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    expect(toProviderError(refused, context)).toMatchObject({ code: 'connection_error' });
  });

  it('maps aborts, whatever the SDK threw once the caller aborted', () => {
    expect(
      toProviderError(Object.assign(new Error('Request aborted'), { name: 'AbortError' }), context),
    ).toMatchObject({
      code: 'aborted',
      retryable: false,
    });
    const controller = new AbortController();
    controller.abort();
    expect(toProviderError(new Error('aborted'), { ...context, signal: controller.signal })).toMatchObject({
      code: 'aborted',
    });
  });

  it('maps unparsable bodies and broken event-stream frames to invalid_response', () => {
    const body = Object.assign(new SyntaxError('Unexpected end of JSON input'), {
      $responseBodyText: '{"output":',
    });
    expect(toProviderError(body, context)).toMatchObject({
      code: 'invalid_response',
      status: 502,
      retryable: true,
    });
    const frame = new Error('The message checksum (1) did not match the expected value of 2');
    expect(toProviderError(frame, context)).toMatchObject({ code: 'invalid_response' });
  });

  it('maps request mapping failures to bad_request and passes ProviderErrors through', () => {
    expect(toProviderError(new RequestMappingError('no http images'), context)).toMatchObject({
      code: 'bad_request',
      status: 400,
    });
    const original = new ProviderError({
      code: 'timeout',
      status: 504,
      message: 't',
      provider: 'bedrock',
      deploymentId: 'x',
    });
    expect(toProviderError(original, context)).toBe(original);
    expect(toProviderError('a string', context)).toMatchObject({
      code: 'upstream_error',
      message: 'a string',
    });
  });
});
