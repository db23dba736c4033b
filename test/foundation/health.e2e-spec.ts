import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { startApi, type RunningApi } from '../support/api-harness';
import { TcpProxy } from '../support/tcp-proxy';
import { testConfig } from '../support/test-config';

async function waitForStatus(url: string, status: number, timeoutMs = 10_000): Promise<Response> {
  const deadline = Date.now() + timeoutMs;
  let last: Response | undefined;
  while (Date.now() < deadline) {
    last = await fetch(url);
    if (last.status === status) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`expected ${status} from ${url}, last was ${last?.status}`);
}

describe('health and readiness', () => {
  let databaseUrl: string;
  let pg: { proxy: TcpProxy; url: string };
  let redis: { proxy: TcpProxy; url: string };
  let api: RunningApi;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    pg = await TcpProxy.forUrl(databaseUrl);
    redis = await TcpProxy.forUrl(testRedisUrl());
    api = await startApi(testConfig({ databaseUrl: pg.url, redisUrl: redis.url, keyPrefix: uniquePrefix() }));
  });

  afterAll(async () => {
    await api?.close();
    await pg?.proxy.close();
    await redis?.proxy.close();
    await dropTestDatabase(databaseUrl);
  });

  it('answers liveness without touching dependencies', async () => {
    const res = await fetch(`${api.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('is ready when PostgreSQL and Redis answer', async () => {
    const res = await fetch(`${api.url}/health/ready`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      dependencies: [
        { dependency: 'database', status: 'up' },
        { dependency: 'redis', status: 'up' },
      ],
    });
  });

  it('goes 503 naming Redis while Redis is unreachable, and back to 200 when it returns', async () => {
    redis.proxy.cut();
    const down = await waitForStatus(`${api.url}/health/ready`, 503);
    expect(down.headers.get('retry-after')).toBe('5');
    const body = (await down.json()) as {
      error: { code: string; message: string; requestId: string; details: unknown[] };
    };
    expect(body.error.code).toBe('not_ready');
    expect(body.error.message).toBe('Not ready: redis unreachable');
    expect(body.error.requestId).toBe(down.headers.get('x-request-id'));
    expect(body.error.details).toEqual([
      { dependency: 'database', status: 'up' },
      expect.objectContaining({ dependency: 'redis', status: 'down' }),
    ]);
    redis.proxy.restore();
    await waitForStatus(`${api.url}/health/ready`, 200);
  });

  it('goes 503 naming the database while PostgreSQL is unreachable, and back to 200 when it returns', async () => {
    pg.proxy.cut();
    const down = await waitForStatus(`${api.url}/health/ready`, 503);
    const body = (await down.json()) as { error: { code: string; message: string; details: unknown[] } };
    expect(body.error.message).toBe('Not ready: database unreachable');
    expect(body.error.details).toContainEqual(
      expect.objectContaining({ dependency: 'database', status: 'down' }),
    );
    pg.proxy.restore();
    await waitForStatus(`${api.url}/health/ready`, 200);
  });
});
