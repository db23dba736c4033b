import { CallerLimitsService, type Principal } from '@app/auth';
import { DomainException } from '@app/common';
import { AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import type Redis from 'ioredis';
import { startApi, type RunningApi } from '../support/api-harness';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import {
  ADMIN,
  authTestConfig,
  call,
  createApiKey,
  createUser,
  signIn,
  type ErrorBody,
  type UserView,
} from './support/auth-client';

// jest.config.js's per-project testTimeout is not applied (a global-only option): set it here.
jest.setTimeout(60_000);

/** Two api instances on one database and one Redis prefix, as in a scaled deployment. */
async function startPair(
  databaseUrl: string,
  auth: Record<string, unknown>,
): Promise<[RunningApi, RunningApi]> {
  const keyPrefix = uniquePrefix();
  const config = (): ReturnType<typeof authTestConfig> =>
    authTestConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix, auth });
  const first = await startApi(config());
  return [first, await startApi(config())];
}

/** Token windows are clock minutes: keep a test's record-then-check inside one of them. */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % 60_000;
  if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
}

function rejection(error: unknown): {
  status: number;
  code: string;
  message: string;
  retryAfterMs?: number;
  headers?: Record<string, string>;
} {
  if (!(error instanceof DomainException)) throw error;
  return {
    status: error.status,
    code: error.code,
    message: error.message,
    retryAfterMs: error.retryAfterMs,
    headers: error.headers,
  };
}

describe('per-caller throttling across api instances sharing one Redis', () => {
  let databaseUrl: string;
  let a: RunningApi;
  let b: RunningApi;
  let adminToken: string;
  let alice: UserView;
  let dave: UserView;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await startPair(databaseUrl, {
      limits: { publicRpm: 1_000, user: { rpm: 5, tpm: 1_000, tpd: 1_500 }, admin: { rpm: 1_000 } },
    });
    adminToken = (await signIn(a.url, ADMIN.email, ADMIN.password)).accessToken;
    alice = await createUser(a.url, adminToken, {
      email: 'alice@example.com',
      password: 'alice-password-01',
    });
    await createUser(a.url, adminToken, { email: 'bob@example.com', password: 'bob-password-0123' });
    dave = await createUser(a.url, adminToken, { email: 'dave@example.com', password: 'dave-password-012' });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('counts one user’s requests on both instances against one limit: 429 with Retry-After and RateLimit-*', async () => {
    const token = (await signIn(b.url, 'alice@example.com', 'alice-password-01')).accessToken;
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await call(i % 2 ? b.url : a.url, 'GET', '/auth/me', { token });
      expect(res.status).toBe(200);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(res.headers.get('ratelimit-policy')).toBe('5;w=60');
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);

    for (const api of [b, a]) {
      const res = await call<ErrorBody>(api.url, 'GET', '/auth/me', { token });
      expect(res.status).toBe(429);
      expect(res.body.error).toEqual({
        code: 'rate_limited',
        message: 'Too many requests: the limit is 5 per 60 s',
        requestId: res.headers.get('x-request-id'),
      });
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect(res.headers.get('ratelimit-limit')).toBe('5');
      expect(res.headers.get('ratelimit-remaining')).toBe('0');
      expect(res.headers.get('ratelimit-reset')).toBe(String(retryAfter));
    }
  });

  it('keeps separate budgets per user and per API key', async () => {
    const bobToken = (await signIn(a.url, 'bob@example.com', 'bob-password-0123')).accessToken;
    expect((await call(b.url, 'GET', '/auth/me', { token: bobToken })).status).toBe(200);
    const aliceToken = (await signIn(a.url, 'alice@example.com', 'alice-password-01')).accessToken;
    expect((await call(a.url, 'GET', '/auth/me', { token: aliceToken })).status).toBe(429);
    // Alice's key has its own counter (created by the admin: Alice herself is out of requests).
    const key = await createApiKey(a.url, adminToken, {
      name: 'alice-batch',
      scopes: ['chat'],
      userId: alice.id,
    });
    expect((await call(b.url, 'GET', '/auth/me', { token: key.key })).status).toBe(200);
  });

  it('applies per-user and per-key overrides of the role default', async () => {
    await call(a.url, 'PATCH', `/users/${dave.id}`, { token: adminToken, body: { limits: { rpm: 2 } } });
    const token = (await signIn(a.url, 'dave@example.com', 'dave-password-012')).accessToken;
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await call(i % 2 ? a.url : b.url, 'GET', '/auth/me', { token })).status);
    expect(statuses).toEqual([200, 200, 429]);

    const key = await createApiKey(a.url, adminToken, {
      name: 'dave-fast',
      scopes: ['chat'],
      userId: dave.id,
      limits: { rpm: 3 },
    });
    const keyStatuses = [];
    for (let i = 0; i < 4; i++)
      keyStatuses.push((await call(i % 2 ? a.url : b.url, 'GET', '/auth/me', { token: key.key })).status);
    expect(keyStatuses).toEqual([200, 200, 200, 429]);
    // A key without its own override inherits the owner's.
    const plain = await createApiKey(a.url, adminToken, {
      name: 'dave-plain',
      scopes: ['chat'],
      userId: dave.id,
    });
    const me = await call<{ limits: { rpm: number } }>(b.url, 'GET', '/auth/me', { token: plain.key });
    expect(me.body.limits.rpm).toBe(2);
  });

  it('admits a caller far below a larger limit on estimates, yet counts every request and refuses exactly at the limit', async () => {
    await awayFromMinuteEdge();
    const key = await createApiKey(a.url, adminToken, {
      name: 'dave-busy',
      scopes: ['chat'],
      userId: dave.id,
      limits: { rpm: 100 },
    });
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 100; i++) {
      const res = await call(i % 2 ? a.url : b.url, 'GET', '/auth/me', { token: key.key });
      statuses.push(res.status);
      remaining.push(res.headers.get('ratelimit-remaining') ?? '');
    }
    expect(statuses.every((status) => status === 200)).toBe(true);
    // waiting for Redis every time, each answer would say one less than the one before; an estimate
    // lags the other instance's latest request, so some answers repeat the previous figure
    expect(new Set(remaining).size).toBeLessThan(100);
    expect(remaining.at(-1)).toBe('0');
    // every admitted request reached the shared counter, including those let through on an estimate
    const redis = a.app.get<Redis>(REDIS_CLIENT);
    const counters = await redis.keys(`${a.app.get(AppConfig).redis.keyPrefix}*key:${key.id}*`);
    const counted = await Promise.all(counters.filter((k) => !k.endsWith(':block')).map((k) => redis.get(k)));
    expect(counted).toContain('100');
    for (const api of [b, a])
      expect((await call(api.url, 'GET', '/auth/me', { token: key.key })).status).toBe(429);
  });

  it('counts tokens per minute from recorded usage, shared by both instances', async () => {
    await awayFromMinuteEdge();
    const limitsA = a.app.get(CallerLimitsService);
    const limitsB = b.app.get(CallerLimitsService);
    const principal: Principal = { kind: 'user', userId: alice.id, role: 'user', scopes: 'all' };

    await expect(limitsB.assertWithinTokenBudget(principal)).resolves.toBeUndefined();
    await limitsA.recordTokens(principal, 600);
    await expect(limitsB.assertWithinTokenBudget(principal)).resolves.toBeUndefined();
    await limitsB.recordTokens(principal, 400);
    const refused = await limitsA.assertWithinTokenBudget(principal).then(() => undefined, rejection);
    expect(refused).toMatchObject({
      status: 429,
      code: 'rate_limited',
      message: 'Token limit reached: 1000 tokens per minute',
      headers: { 'ratelimit-limit': '1000', 'ratelimit-remaining': '0', 'ratelimit-policy': '1000;w=60' },
    });
    expect(refused?.retryAfterMs).toBeGreaterThan(0);
    expect(refused?.retryAfterMs).toBeLessThanOrEqual(60_000);
    // Other callers are unaffected.
    await expect(
      limitsA.assertWithinTokenBudget({
        ...principal,
        kind: 'api_key',
        apiKeyId: 'some-key',
        scopes: ['chat'],
      }),
    ).resolves.toBeUndefined();
  });

  it('counts tokens per UTC day, with the override of the caller', async () => {
    await awayFromMinuteEdge();
    const limits = a.app.get(CallerLimitsService);
    const principal: Principal = {
      kind: 'api_key',
      userId: dave.id,
      apiKeyId: 'daily-key',
      role: 'user',
      scopes: ['chat'],
      limitOverrides: { tpm: 0, tpd: 500 },
    };
    await limits.recordTokens(principal, 499);
    await expect(limits.assertWithinTokenBudget(principal)).resolves.toBeUndefined();
    await b.app.get(CallerLimitsService).recordTokens(principal, 1);
    const refused = await limits.assertWithinTokenBudget(principal).then(() => undefined, rejection);
    expect(refused).toMatchObject({ status: 429, message: 'Token limit reached: 500 tokens per day' });
    const untilMidnight = 86_400_000 - (Date.now() % 86_400_000);
    expect(Math.abs((refused?.retryAfterMs ?? 0) - untilMidnight)).toBeLessThan(5_000);
    // Unlimited tokens (0) are never refused; nonsense amounts are not recorded.
    await limits.recordTokens({ ...principal, apiKeyId: 'other' }, Number.NaN);
    await expect(
      limits.assertWithinTokenBudget({ ...principal, limitOverrides: { tpm: 0, tpd: 0 } }),
    ).resolves.toBeUndefined();
  });
});

describe('per-IP throttling of public routes', () => {
  let databaseUrl: string;
  let a: RunningApi;
  let b: RunningApi;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    [a, b] = await startPair(databaseUrl, { limits: { publicRpm: 3 } });
  });

  afterAll(async () => {
    await a?.close();
    await b?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('limits sign-in attempts per client IP across instances, and never throttles health', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await call(i % 2 ? b.url : a.url, 'POST', '/auth/token', {
        body: { email: 'nobody@example.com', password: 'wrong-password-1' },
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expect((await call(a.url, 'POST', '/auth/refresh', { body: { refreshToken: 'x' } })).status).toBe(429);
    for (let i = 0; i < 10; i++) {
      expect((await fetch(`${b.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${a.url}/health`)).status).toBe(200);
    }
  });
});
