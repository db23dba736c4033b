import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { startApi, type RunningApi } from '../support/api-harness';
import { testConfig } from '../support/test-config';

interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown[] };
}

describe('one error format everywhere', () => {
  let databaseUrl: string;
  let api: RunningApi;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    api = await startApi(
      testConfig({
        databaseUrl,
        redisUrl: testRedisUrl(),
        keyPrefix: uniquePrefix(),
        extra: { server: { bodyLimitBytes: 4096 } },
      }),
    );
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('unknown route → 404 route_not_found', async () => {
    const res = await fetch(`${api.url}/no/such/route`);
    expect(res.status).toBe(404);
    const body = (await res.json()) as ErrorBody;
    expect(body).toEqual({
      error: {
        code: 'route_not_found',
        message: 'No route: GET /no/such/route',
        requestId: res.headers.get('x-request-id'),
      },
    });
  });

  it('oversized body → 413 payload_too_large', async () => {
    const res = await fetch(`${api.url}/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blob: 'x'.repeat(10_000) }),
    });
    expect(res.status).toBe(413);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('payload_too_large');
    expect(body.error.requestId).toBe(res.headers.get('x-request-id'));
  });

  it('malformed JSON → 400 in the error format', async () => {
    const res = await fetch(`${api.url}/health`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"unterminated": ',
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorBody;
    expect(body.error.code).toBe('bad_request');
    expect(body.error.message).toMatch(/JSON/);
  });

  it('echoes a sane x-request-id and replaces a hostile one', async () => {
    const kept = await fetch(`${api.url}/health`, { headers: { 'x-request-id': 'client-id-123' } });
    expect(kept.headers.get('x-request-id')).toBe('client-id-123');
    const replaced = await fetch(`${api.url}/health`, { headers: { 'x-request-id': 'bad id\twith spaces' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const generated = await fetch(`${api.url}/health`);
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
