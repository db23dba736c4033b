import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAIError,
} from 'openai';
import { ProviderError } from '../../core';
import { toProviderError } from './error.mapper';
import { InvalidVendorResponseError, UnmappableRequestError } from './mapping-errors';

const context = { provider: 'openai' as const, deploymentId: 'openai-east' };

function statusError(
  status: number,
  error: Record<string, unknown>,
  headers: Record<string, string> = {},
): APIError {
  // The SDK builds its errors this way from a response.
  return APIError.generate(status, { error }, undefined, new Headers(headers));
}

describe('toProviderError', () => {
  it.each([
    [400, {}, 'bad_request', false],
    [400, { code: 'context_length_exceeded' }, 'context_length_exceeded', false],
    [
      400,
      { code: null, message: "This model's maximum context length is 4096 tokens" },
      'context_length_exceeded',
      false,
    ],
    [400, { code: 'content_filter' }, 'content_filtered', false],
    [400, { code: 'x', innererror: { code: 'ResponsibleAIPolicyViolation' } }, 'content_filtered', false],
    [401, { code: 'invalid_api_key' }, 'authentication_failed', false],
    [403, {}, 'permission_denied', false],
    [404, { code: 'model_not_found' }, 'model_not_found', false],
    [408, {}, 'upstream_unavailable', true],
    [409, {}, 'upstream_error', true],
    [422, {}, 'bad_request', false],
    [429, { code: 'rate_limit_exceeded' }, 'rate_limited', true],
    [500, {}, 'upstream_error', true],
    [502, {}, 'upstream_unavailable', true],
    [503, {}, 'upstream_unavailable', true],
    [504, {}, 'upstream_unavailable', true],
  ])('maps status %i %j to %s (retryable: %s)', (status, body, code, retryable) => {
    const mapped = toProviderError(statusError(status, { message: 'vendor says no', ...body }), context);

    expect(mapped).toBeInstanceOf(ProviderError);
    expect(mapped).toMatchObject({
      code,
      status,
      retryable,
      provider: 'openai',
      deploymentId: 'openai-east',
    });
  });

  it("keeps the vendor's message without the SDK's status prefix", () => {
    const mapped = toProviderError(
      statusError(400, { message: "Invalid 'messages': empty array." }),
      context,
    );

    expect(mapped.message).toBe("Invalid 'messages': empty array.");
  });

  it('reads retry-after-ms before retry-after', () => {
    expect(
      toProviderError(statusError(429, {}, { 'retry-after-ms': '1500', 'retry-after': '9' }), context)
        .retryAfterMs,
    ).toBe(1500);
    expect(toProviderError(statusError(429, {}, { 'retry-after': '2' }), context).retryAfterMs).toBe(2000);
    expect(toProviderError(statusError(503, {}, { 'retry-after': '1' }), context).retryAfterMs).toBe(1000);
    expect(toProviderError(statusError(429, {}), context).retryAfterMs).toBeUndefined();
  });

  it('maps transport failures', () => {
    expect(toProviderError(new APIUserAbortError(), context)).toMatchObject({
      code: 'aborted',
      retryable: false,
    });
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
    const terminated = new TypeError('terminated', {
      cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }),
    });
    expect(toProviderError(terminated, context)).toMatchObject({ code: 'connection_error', retryable: true });
  });

  it('treats anything thrown after the caller aborted as the abort', () => {
    const controller = new AbortController();
    controller.abort();

    expect(
      toProviderError(new TypeError('terminated'), { ...context, signal: controller.signal }),
    ).toMatchObject({
      code: 'aborted',
      retryable: false,
    });
  });

  it('reports a timeout when our own deadline fired, whatever the SDK threw', () => {
    expect(toProviderError(new APIUserAbortError(), { ...context, timedOut: true })).toMatchObject({
      code: 'timeout',
      status: 504,
      retryable: true,
    });
  });

  it('recognises transport errors from another realm by their shape', () => {
    const foreign = {
      name: 'TypeError',
      message: 'terminated',
      cause: { name: 'SocketError', code: 'UND_ERR_SOCKET' },
    };

    expect(toProviderError(foreign, context)).toMatchObject({
      code: 'connection_error',
      message: 'terminated',
    });
  });

  it('maps unparseable answers to invalid_response', () => {
    expect(toProviderError(new SyntaxError('Unexpected end of JSON input'), context)).toMatchObject({
      code: 'invalid_response',
      status: 502,
    });
    expect(toProviderError(new InvalidVendorResponseError('no choices'), context).code).toBe(
      'invalid_response',
    );
    expect(
      toProviderError(new OpenAIError('Attempted to iterate over a response with no body'), context).code,
    ).toBe('invalid_response');
  });

  it('maps an error event inside a stream to upstream_error with its message', () => {
    const inStream = new APIError(undefined, { message: 'overloaded' }, undefined, new Headers());

    expect(toProviderError(inStream, context)).toMatchObject({
      code: 'upstream_error',
      status: 502,
      message: 'overloaded',
    });
  });

  it('maps a request we cannot express to bad_request and passes ProviderErrors through', () => {
    expect(
      toProviderError(new UnmappableRequestError('tool messages need the tool_call_id'), context),
    ).toMatchObject({
      code: 'bad_request',
      status: 400,
      retryable: false,
    });
    const original = new ProviderError({
      code: 'timeout',
      status: 504,
      message: 'x',
      provider: 'openai',
      deploymentId: 'd',
    });
    expect(toProviderError(original, context)).toBe(original);
  });
});
