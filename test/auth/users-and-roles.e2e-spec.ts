import { randomUUID } from 'node:crypto';
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

interface UserPage {
  items: UserView[];
  total: number;
  limit: number;
  offset: number;
}

describe('roles and admin user management', () => {
  let databaseUrl: string;
  let keyPrefix: string;
  let api: RunningApi;
  let adminToken: string;
  let carol: UserView;
  let carolToken: string;
  const carolLogin = { email: 'carol@example.com', password: 'carol-password-1' };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    keyPrefix = uniquePrefix();
    api = await startApi(authTestConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix }));
    adminToken = (await signIn(api.url, ADMIN.email, ADMIN.password)).accessToken;
    carol = await createUser(api.url, adminToken, carolLogin);
    carolToken = (await signIn(api.url, carolLogin.email, carolLogin.password)).accessToken;
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('answers a non-admin on admin-only routes with 403', async () => {
    for (const [method, path, body] of [
      ['GET', '/users', undefined],
      ['POST', '/users', { email: 'x@example.com', password: 'x-password-0123' }],
      ['PATCH', `/users/${carol.id}`, { role: 'admin' }],
    ] as const) {
      const res = await call<ErrorBody>(api.url, method, path, { token: carolToken, body });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
      expect(res.body.error).toMatchObject({ code: 'forbidden', message: 'Your role does not allow this' });
    }
  });

  it('refuses even an admin-owned API key on user management', async () => {
    const key = await createApiKey(api.url, adminToken, {
      name: 'ops',
      scopes: ['chat', 'tasks', 'analytics:read'],
    });
    const res = await call<ErrorBody>(api.url, 'GET', '/users', { token: key.key });
    expect(res.status).toBe(403);
  });

  it('creates users without ever returning a password or hash, and refuses duplicates and weak passwords', async () => {
    const res = await call<UserView>(api.url, 'POST', '/users', {
      token: adminToken,
      body: { email: 'Dan@Example.com', password: 'dan-password-0123', limits: { rpm: 7 } },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      email: 'dan@example.com',
      role: 'user',
      disabled: false,
      limits: { rpm: 7, tpm: null, tpd: null },
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const duplicate = await call<ErrorBody>(api.url, 'POST', '/users', {
      token: adminToken,
      body: { email: 'dan@example.com', password: 'another-password-1' },
    });
    expect(duplicate.status).toBe(409);
    const weak = await call<ErrorBody>(api.url, 'POST', '/users', {
      token: adminToken,
      body: { email: 'eve@example.com', password: 'short' },
    });
    expect(weak.status).toBe(400);
  });

  it('lists users a page at a time', async () => {
    const page = await call<UserPage>(api.url, 'GET', '/users?limit=2&offset=1', { token: adminToken });
    expect(page.status).toBe(200);
    expect(page.body.total).toBeGreaterThanOrEqual(3);
    expect(page.body.items).toHaveLength(2);
    expect(page.body).toMatchObject({ limit: 2, offset: 1 });
    expect(JSON.stringify(page.body)).not.toMatch(/password|scrypt/i);
    expect((await call(api.url, 'GET', '/users?limit=1000', { token: adminToken })).status).toBe(400);
  });

  it('promotes a user: the new role arrives with the next refresh', async () => {
    const frank = await createUser(api.url, adminToken, {
      email: 'frank@example.com',
      password: 'frank-password-1',
    });
    const session = await signIn(api.url, 'frank@example.com', 'frank-password-1');
    const promoted = await call<UserView>(api.url, 'PATCH', `/users/${frank.id}`, {
      token: adminToken,
      body: { role: 'admin' },
    });
    expect(promoted.body.role).toBe('admin');
    expect((await call(api.url, 'GET', '/users', { token: session.accessToken })).status).toBe(403);
    const refreshed = await call<{ accessToken: string }>(api.url, 'POST', '/auth/refresh', {
      body: { refreshToken: session.refreshToken },
    });
    expect((await call(api.url, 'GET', '/users', { token: refreshed.body.accessToken })).status).toBe(200);
  });

  it('disables a user: no sign-in, no refresh, no API key; the access token lives out its short TTL', async () => {
    const gina = await createUser(api.url, adminToken, {
      email: 'gina@example.com',
      password: 'gina-password-12',
    });
    const session = await signIn(api.url, 'gina@example.com', 'gina-password-12');
    const key = await createApiKey(api.url, session.accessToken, { name: 'gina-key', scopes: ['chat'] });
    expect((await call(api.url, 'GET', '/auth/me', { token: key.key })).status).toBe(200);

    const disabled = await call<UserView>(api.url, 'PATCH', `/users/${gina.id}`, {
      token: adminToken,
      body: { disabled: true },
    });
    expect(disabled.body.disabled).toBe(true);

    expect(
      (await call(api.url, 'POST', '/auth/refresh', { body: { refreshToken: session.refreshToken } })).status,
    ).toBe(401);
    const signInAgain = await call<ErrorBody>(api.url, 'POST', '/auth/token', {
      body: { email: 'gina@example.com', password: 'gina-password-12' },
    });
    expect(signInAgain.status).toBe(401);
    expect(signInAgain.body.error.code).toBe('invalid_credentials');
    expect((await call(api.url, 'GET', '/auth/me', { token: key.key })).status).toBe(401);
    // Accepted trade-off (no database read per JWT request): the access token works until it expires.
    expect((await call(api.url, 'GET', '/auth/me', { token: session.accessToken })).status).toBe(200);

    await call(api.url, 'PATCH', `/users/${gina.id}`, { token: adminToken, body: { disabled: false } });
    expect((await call(api.url, 'GET', '/auth/me', { token: key.key })).status).toBe(200);
  });

  it('sets and clears limit overrides', async () => {
    const set = await call<UserView>(api.url, 'PATCH', `/users/${carol.id}`, {
      token: adminToken,
      body: { limits: { rpm: 10, tpm: 0 } },
    });
    expect(set.body.limits).toEqual({ rpm: 10, tpm: 0, tpd: null });
    const cleared = await call<UserView>(api.url, 'PATCH', `/users/${carol.id}`, {
      token: adminToken,
      body: { limits: { rpm: null } },
    });
    expect(cleared.body.limits).toEqual({ rpm: null, tpm: 0, tpd: null });
    const invalid = await call(api.url, 'PATCH', `/users/${carol.id}`, {
      token: adminToken,
      body: { limits: { rpm: -1 } },
    });
    expect(invalid.status).toBe(400);
  });

  it('answers an unknown user with 404 and keeps an admin from locking themselves out', async () => {
    expect(
      (await call(api.url, 'PATCH', `/users/${randomUUID()}`, { token: adminToken, body: {} })).status,
    ).toBe(404);
    const me = await call<{ userId: string }>(api.url, 'GET', '/auth/me', { token: adminToken });
    for (const body of [{ disabled: true }, { role: 'user' }]) {
      const res = await call(api.url, 'PATCH', `/users/${me.body.userId}`, { token: adminToken, body });
      expect(res.status).toBe(400);
    }
  });

  it('creates the bootstrap admin once: a restart with another password changes nothing', async () => {
    const restarted = await startApi(
      authTestConfig({
        databaseUrl,
        redisUrl: testRedisUrl(),
        keyPrefix,
        auth: { bootstrapAdminPassword: 'a-different-password' },
      }),
    );
    try {
      const page = await call<UserPage>(restarted.url, 'GET', '/users?limit=200', { token: adminToken });
      expect(page.body.items.filter((u) => u.email === ADMIN.email)).toHaveLength(1);
      expect((await call(restarted.url, 'POST', '/auth/token', { body: ADMIN })).status).toBe(200);
    } finally {
      await restarted.close();
    }
  });
});
