import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AnthropicError,
} from '@anthropic-ai/sdk';
import { ProviderError } from '../../core/provider-error';
import { RequestMappingError } from '../shared/request-mapping-error';
import { toProviderError } from './error.mapper';

const context = { deploymentId: 'anth-1' };

function httpError(
  status: number,
  type: string,
  message: string,
  headers: Record<string, string> = {},
): APIError {
  return APIError.generate(
    status,
    { type: 'error', error: { type, message } },
    undefined,
    new Headers(headers),
  );
}

describe('toProviderError (Anthropic)', () => {
  it.each([
    [400, 'invalid_request_error', 'bad_request', false],
    [401, 'authentication_error', 'authentication_failed', false],
    [402, 'billing_error', 'permission_denied', false],
    [403, 'permission_error', 'permission_denied', false],
    [404, 'not_found_error', 'model_not_found', false],
    [413, 'request_too_large', 'bad_request', false],
    [429, 'rate_limit_error', 'rate_limited', true],
    [500, 'api_error', 'upstream_error', true],
    [502, 'api_error', 'upstream_unavailable', true],
    [503, 'api_error', 'upstream_unavailable', true],
    [504, 'timeout_error', 'upstream_unavailable', true],
    [529, 'overloaded_error', 'upstream_unavailable', true],
  ] as const)(
    'HTTP %i %s → %s (retryable %s), keeping the vendor message',
    (status, type, code, retryable) => {
      const error = toProviderError(httpError(status, type, 'vendor words'), context);
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({
        code,
        status,
        retryable,
        message: 'vendor words',
        provider: 'anthropic',
        deploymentId: 'anth-1',
      });
    },
  );

  it('reads retry-after-ms first, then retry-after', () => {
    expect(
      toProviderError(
        httpError(429, 'rate_limit_error', 'x', { 'retry-after-ms': '1500', 'retry-after': '9' }),
        context,
      ).retryAfterMs,
    ).toBe(1500);
    expect(
      toProviderError(httpError(429, 'rate_limit_error', 'x', { 'retry-after': '9' }), context).retryAfterMs,
    ).toBe(9000);
    expect(
      toProviderError(httpError(529, 'overloaded_error', 'x', { 'retry-after': '2' }), context).retryAfterMs,
    ).toBe(2000);
    expect(toProviderError(httpError(429, 'rate_limit_error', 'x'), context).retryAfterMs).toBeUndefined();
  });

  it('recognises context-length 400s', () => {
    const error = toProviderError(
      httpError(400, 'invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum'),
      context,
    );
    expect(error).toMatchObject({ code: 'context_length_exceeded', retryable: false });
  });

  it('maps error events inside a 200 stream by their type', () => {
    const event = new APIError(
      undefined,
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      undefined,
      new Headers(),
    );
    expect(toProviderError(event, context)).toMatchObject({
      code: 'upstream_unavailable',
      status: 529,
      retryable: true,
      message: 'Overloaded',
    });
  });

  it('maps the SDK transport errors', () => {
    expect(toProviderError(new APIConnectionTimeoutError(), context)).toMatchObject({
      code: 'timeout',
      status: 504,
      retryable: true,
    });
    expect(toProviderError(new APIConnectionError({ message: 'Connection error.' }), context)).toMatchObject({
      code: 'connection_error',
      status: 502,
      retryable: true,
    });
    expect(toProviderError(new APIUserAbortError(), context)).toMatchObject({
      code: 'aborted',
      retryable: false,
    });
  });

  it('calls anything thrown after the caller aborted an abort', () => {
    const controller = new AbortController();
    controller.abort();
    expect(
      toProviderError(new TypeError('terminated'), { ...context, signal: controller.signal }),
    ).toMatchObject({ code: 'aborted' });
  });

  it('maps a body cut mid-stream, unparsable JSON and unexpected SDK errors', () => {
    const cut = Object.assign(new TypeError('terminated'), {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(toProviderError(cut, context)).toMatchObject({ code: 'connection_error', retryable: true });
    expect(toProviderError(new SyntaxError('Unexpected end of JSON input'), context)).toMatchObject({
      code: 'invalid_response',
      status: 502,
    });
    expect(toProviderError(new AnthropicError('Unexpected event order'), context)).toMatchObject({
      code: 'invalid_response',
    });
    expect(toProviderError(new Error('what?'), context)).toMatchObject({
      code: 'upstream_error',
      status: 502,
    });
  });

  it('maps request mapping failures to bad_request and passes ProviderErrors through', () => {
    expect(toProviderError(new RequestMappingError('bad tool args'), context)).toMatchObject({
      code: 'bad_request',
      status: 400,
      message: 'bad tool args',
    });
    const original = new ProviderError({
      code: 'timeout',
      status: 504,
      message: 't',
      provider: 'anthropic',
      deploymentId: 'x',
    });
    expect(toProviderError(original, context)).toBe(original);
  });

  it('maps the stream idle timer to timeout', () => {
    const idle = Object.assign(new Error('no stream event within 300 ms'), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    });
    expect(toProviderError(idle, context)).toMatchObject({ code: 'timeout', status: 504, retryable: true });
  });
});
