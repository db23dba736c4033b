import { startApi, type RunningApi } from '../support/api-harness';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { ADMIN, authTestConfig, call, signIn, type ErrorBody } from './support/auth-client';

// jest.config.js's per-project testTimeout is not applied (a global-only option): set it here.
jest.setTimeout(60_000);

async function until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('while Redis is unreachable', () => {
  let databaseUrl: string;
  let redis: { proxy: TcpProxy; url: string };
  let api: RunningApi;
  let token: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    redis = await TcpProxy.forUrl(testRedisUrl());
    api = await startApi(authTestConfig({ databaseUrl, redisUrl: redis.url, keyPrefix: uniquePrefix() }));
    token = (await signIn(api.url, ADMIN.email, ADMIN.password)).accessToken;
  });

  afterAll(async () => {
    await api?.close();
    await redis?.proxy.close();
    await dropTestDatabase(databaseUrl);
  });

  it('admits authenticated requests unthrottled (fail open) but refuses sign-in (503), then recovers', async () => {
    redis.proxy.cut();
    await until(async () => (await fetch(`${api.url}/health/ready`)).status === 503);

    const me = await call(api.url, 'GET', '/auth/me', { token });
    expect(me.status).toBe(200);
    expect(me.headers.get('ratelimit-limit')).toBeNull();

    const signInDuringOutage = await call<ErrorBody>(api.url, 'POST', '/auth/token', { body: ADMIN });
    expect(signInDuringOutage.status).toBe(503);
    expect(signInDuringOutage.body.error).toMatchObject({
      code: 'service_unavailable',
      message: 'Sign-in is temporarily unavailable',
    });

    redis.proxy.restore();
    await until(async () => (await call(api.url, 'POST', '/auth/token', { body: ADMIN })).status === 200);
    const throttledAgain = await call(api.url, 'GET', '/auth/me', { token });
    expect(throttledAgain.headers.get('ratelimit-limit')).toBe('10000');
  });
});
