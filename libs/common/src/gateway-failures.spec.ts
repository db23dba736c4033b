import { mapError } from './error-mapping';
import { isRoutingFailure, isUpstreamFailure } from './gateway-failures';

/** Shaped like libs/llm's errors, which libs/common must not import (libs/chat checks the real classes). */
class RoutingFailure extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly retryAfterMs?: number,
    readonly attempts: readonly unknown[] = [],
  ) {
    super(message);
  }
}

class UpstreamFailure extends Error {
  readonly provider = 'openai';
  readonly deploymentId = 'openai-main';
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    readonly retryable = false,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

describe('mapping the llm errors by shape', () => {
  it('recognises each shape and nothing else', () => {
    expect(isRoutingFailure(new RoutingFailure('model_not_found', 404, 'x'))).toBe(true);
    expect(isUpstreamFailure(new UpstreamFailure('bad_request', 400, 'x'))).toBe(true);
    expect(isRoutingFailure(new UpstreamFailure('bad_request', 400, 'x'))).toBe(false);
    expect(isUpstreamFailure(new RoutingFailure('model_not_found', 404, 'x'))).toBe(false);
    // an SDK error with status and code but neither shape stays an unexpected 500
    const sdkError = Object.assign(new Error('401 Incorrect API key provided: sk-abc***'), {
      status: 401,
      code: 'invalid_api_key',
    });
    expect(mapError(sdkError)).toMatchObject({ status: 500, code: 'internal_error', unexpected: true });
  });

  it.each([
    ['model_not_found', 404, 404, 'model_not_found', 'model'],
    ['deployment_not_found', 404, 404, 'deployment_not_found', undefined],
    ['rate_limited', 429, 429, 'rate_limited', undefined],
    ['no_deployment_available', 503, 503, 'no_deployment_available', undefined],
    ['deadline_exceeded', 504, 504, 'deadline_exceeded', undefined],
  ])('routing %s → %i %s', (code, status, expectedStatus, expectedCode, param) => {
    const mapped = mapError(new RoutingFailure(code, status, `routing says ${code}`, 1_500));
    expect(mapped).toEqual({
      status: expectedStatus,
      code: expectedCode,
      message: `routing says ${code}`,
      param,
      retryAfterMs: 1_500,
      unexpected: false,
    });
  });

  it("keeps the vendor's message for its 4xx verdicts on the request", () => {
    expect(mapError(new UpstreamFailure('bad_request', 422, 'image too large'))).toMatchObject({
      status: 422,
      code: 'bad_request',
      message: 'image too large',
      unexpected: false,
    });
    expect(mapError(new UpstreamFailure('context_length_exceeded', 400, 'too long'))).toMatchObject({
      status: 400,
      code: 'context_length_exceeded',
      param: 'messages',
    });
    expect(mapError(new UpstreamFailure('content_filtered', 400, 'filtered'))).toMatchObject({
      status: 400,
      code: 'content_filtered',
    });
  });

  it('hides our own credential or model-id problems behind an opaque 502 that is logged', () => {
    for (const code of ['authentication_failed', 'permission_denied', 'model_not_found']) {
      const mapped = mapError(new UpstreamFailure(code, 401, 'Incorrect API key provided: sk-abc***'));
      expect(mapped).toMatchObject({ status: 502, code: 'upstream_error', unexpected: true });
      expect(mapped.message).not.toContain('sk-');
      expect(mapped.message).toContain('openai-main');
    }
  });

  it('maps a vendor error that also carries the attempts made as a vendor error', () => {
    const withAttempts = Object.assign(
      new UpstreamFailure('authentication_failed', 401, 'Incorrect API key provided: sk-live-123'),
      { attempts: [{ deploymentId: 'openai-main', ok: false }] },
    );
    const mapped = mapError(withAttempts);
    expect(mapped).toMatchObject({ status: 502, code: 'upstream_error', unexpected: true });
    expect(mapped.message).not.toContain('sk-live');
  });

  it('never passes on what a vendor said about its own failure (hosts, org ids, HTML pages)', () => {
    const said = '<html>Bad gateway at 10.0.0.7</html> Rate limit reached for org-abc123';
    for (const [code, status] of [
      ['upstream_error', 502],
      ['malformed_response', 502],
      ['rate_limited', 429],
      ['timeout', 504],
    ] as const) {
      const mapped = mapError(new UpstreamFailure(code, status, said, true));
      expect(mapped.message).not.toMatch(/10\.0\.0\.7|org-abc123|html/);
      expect(mapped.message).toContain('openai-main');
    }
    const routing = Object.assign(
      new RoutingFailure('no_deployment_available', 503, `no deployment (1 failed); last error: ${said}`),
      { callerMessage: 'no deployment (1 failed)' },
    );
    expect(mapError(routing).message).toBe('no deployment (1 failed)');
  });

  it('maps timeouts, rate limits, outages and the caller’s own abort', () => {
    expect(mapError(new UpstreamFailure('timeout', 504, 'slow'))).toMatchObject({
      status: 504,
      code: 'upstream_timeout',
    });
    expect(mapError(new UpstreamFailure('rate_limited', 429, 'slow down', true, 2_000))).toMatchObject({
      status: 429,
      code: 'rate_limited',
      retryAfterMs: 2_000,
    });
    expect(mapError(new UpstreamFailure('connection_error', 502, 'reset', true))).toMatchObject({
      status: 502,
      code: 'upstream_error',
      message: 'Deployment "openai-main" failed (connection_error)',
    });
    expect(mapError(new UpstreamFailure('aborted', 499, 'gone'))).toMatchObject({
      status: 499,
      code: 'client_closed_request',
      unexpected: false,
    });
  });
});
