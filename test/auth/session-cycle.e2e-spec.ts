import { startApi, type RunningApi } from '../support/api-harness';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import {
  ADMIN,
  authTestConfig,
  call,
  createUser,
  signIn,
  type ErrorBody,
  type TokenPair,
} from './support/auth-client';

// jest.config.js's per-project testTimeout is not applied (a global-only option): set it here.
jest.setTimeout(60_000);

interface Me {
  kind: string;
  userId: string;
  role: string;
  scopes: string[];
  limits: { rpm: number; tpm: number; tpd: number };
}

describe('sign-in, refresh rotation with reuse detection, sign-out', () => {
  let databaseUrl: string;
  let api: RunningApi;
  let adminToken: string;
  const alice = { email: 'alice@example.com', password: 'alice-password-01' };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    api = await startApi(
      authTestConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix: uniquePrefix() }),
    );
    adminToken = (await signIn(api.url, ADMIN.email, ADMIN.password)).accessToken;
    await createUser(api.url, adminToken, alice);
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('signs in the bootstrap admin created at start-up', async () => {
    const me = await call<Me>(api.url, 'GET', '/auth/me', { token: adminToken });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      kind: 'user',
      role: 'admin',
      scopes: ['chat', 'tasks', 'analytics:read'],
      limits: { rpm: 10_000 },
    });
  });

  it('runs the full cycle: sign in, use, refresh, detect reuse, sign out', async () => {
    const res = await call<TokenPair>(api.url, 'POST', '/auth/token', { body: alice });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const first = res.body;
    expect(first).toEqual({
      accessToken: expect.stringMatching(/^eyJ[\w-]+\.[\w-]+\.[\w-]+$/),
      tokenType: 'Bearer',
      expiresIn: 900,
      refreshToken: expect.stringMatching(/^mpbr_/),
      refreshExpiresIn: 2_592_000,
    });
    const me = await call<Me>(api.url, 'GET', '/auth/me', { token: first.accessToken });
    expect(me.body).toMatchObject({ kind: 'user', role: 'user' });

    // Rotation: a new pair, and the old refresh token is spent.
    const rotated = await call<TokenPair>(api.url, 'POST', '/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(rotated.status).toBe(200);
    const second = rotated.body;
    expect(second.refreshToken).not.toBe(first.refreshToken);
    expect((await call(api.url, 'GET', '/auth/me', { token: second.accessToken })).status).toBe(200);

    // Reuse of the spent token: refused, and the whole family is revoked (the successor too).
    const reuse = await call<ErrorBody>(api.url, 'POST', '/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(reuse.status).toBe(401);
    expect(reuse.body.error).toMatchObject({
      code: 'unauthorized',
      message: 'Invalid or expired refresh token',
    });
    const successor = await call(api.url, 'POST', '/auth/refresh', {
      body: { refreshToken: second.refreshToken },
    });
    expect(successor.status).toBe(401);

    // Another session is unaffected; signing out revokes it.
    const third = await signIn(api.url, alice.email, alice.password);
    const logout = await call(api.url, 'POST', '/auth/logout', {
      body: { refreshToken: third.refreshToken },
    });
    expect(logout.status).toBe(204);
    const afterLogout = await call(api.url, 'POST', '/auth/refresh', {
      body: { refreshToken: third.refreshToken },
    });
    expect(afterLogout.status).toBe(401);
  });

  it('revokes only the family a reused token belongs to', async () => {
    const phone = await signIn(api.url, alice.email, alice.password);
    const laptop = await signIn(api.url, alice.email, alice.password);
    await call(api.url, 'POST', '/auth/refresh', { body: { refreshToken: phone.refreshToken } });
    await call(api.url, 'POST', '/auth/refresh', { body: { refreshToken: phone.refreshToken } });
    const stillFine = await call(api.url, 'POST', '/auth/refresh', {
      body: { refreshToken: laptop.refreshToken },
    });
    expect(stillFine.status).toBe(200);
  });

  it('answers an unknown email and a wrong password identically', async () => {
    const wrongPassword = await call<ErrorBody>(api.url, 'POST', '/auth/token', {
      body: { email: alice.email, password: 'not-her-password' },
    });
    const unknownEmail = await call<ErrorBody>(api.url, 'POST', '/auth/token', {
      body: { email: 'nobody@example.com', password: 'not-her-password' },
    });
    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('invalid_credentials');
      expect(res.body.error.message).toBe('Invalid email or password');
    }
    expect(Object.keys(wrongPassword.body.error).sort()).toEqual(Object.keys(unknownEmail.body.error).sort());
  });

  it('treats the email case-insensitively', async () => {
    const pair = await signIn(api.url, '  ALICE@Example.com ', alice.password);
    expect(pair.accessToken).toBeTruthy();
  });

  it('refuses refresh tokens where access tokens go, and the reverse', async () => {
    const pair = await signIn(api.url, alice.email, alice.password);
    const asBearer = await call<ErrorBody>(api.url, 'GET', '/auth/me', { token: pair.refreshToken });
    expect(asBearer.status).toBe(401);
    const asRefresh = await call(api.url, 'POST', '/auth/refresh', {
      body: { refreshToken: pair.accessToken },
    });
    expect(asRefresh.status).toBe(401);
    const tampered = `${pair.refreshToken.slice(0, -2)}xx`;
    expect((await call(api.url, 'POST', '/auth/refresh', { body: { refreshToken: tampered } })).status).toBe(
      401,
    );
    // A tampered secret is not "reuse": the genuine token still works.
    expect(
      (await call(api.url, 'POST', '/auth/refresh', { body: { refreshToken: pair.refreshToken } })).status,
    ).toBe(200);
  });

  it('answers sign-out of an unknown token with 204 too', async () => {
    const res = await call(api.url, 'POST', '/auth/logout', {
      body: {
        refreshToken: 'mpbr_00000000-0000-4000-8000-000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      },
    });
    expect(res.status).toBe(204);
  });

  it('validates the sign-in body in the error format', async () => {
    const res = await call<ErrorBody>(api.url, 'POST', '/auth/token', { body: { email: 'not-an-email' } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_failed');
  });
});

describe('public and protected routes', () => {
  let databaseUrl: string;
  let api: RunningApi;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    api = await startApi(
      authTestConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix: uniquePrefix() }),
    );
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('serves health, readiness and the docs without credentials', async () => {
    for (const path of ['/health', '/health/ready', '/docs', '/docs-json']) {
      const res = await fetch(`${api.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
    }
  });

  it('protects every other route: 401 in the error format with WWW-Authenticate', async () => {
    for (const path of ['/auth/me', '/api-keys', '/users']) {
      const res = await call<ErrorBody>(api.url, 'GET', path);
      expect({ path, status: res.status }).toEqual({ path, status: 401 });
      expect(res.body.error).toEqual({
        code: 'unauthorized',
        message: 'Authentication required: send Authorization: Bearer <access token or API key>',
        requestId: res.headers.get('x-request-id'),
      });
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
    const basic = await call(api.url, 'GET', '/auth/me', {
      headers: { authorization: 'Basic cm9vdDpyb290' },
    });
    expect(basic.status).toBe(401);
  });

  it('still answers unknown routes with 404', async () => {
    expect((await call(api.url, 'GET', '/no/such/route')).status).toBe(404);
  });

  it('documents bearer auth on protected routes only', async () => {
    const doc = (await (await fetch(`${api.url}/docs-json`)).json()) as {
      paths: Record<string, Record<string, { security?: unknown[] }>>;
    };
    expect(doc.paths['/auth/me'].get.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/users'].post.security).toEqual([{ bearer: [] }]);
    expect(doc.paths['/auth/token'].post.security).toBeUndefined();
    expect(doc.paths['/health'].get.security).toBeUndefined();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/auth/token',
        '/auth/refresh',
        '/auth/logout',
        '/api-keys',
        '/api-keys/{id}',
        '/users/{id}',
      ]),
    );
  });
});

describe('sign-in lockout', () => {
  let databaseUrl: string;
  let api: RunningApi;
  const bob = { email: 'bob@example.com', password: 'bob-password-0123' };

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    api = await startApi(
      authTestConfig({
        databaseUrl,
        redisUrl: testRedisUrl(),
        keyPrefix: uniquePrefix(),
        auth: {
          loginLockout: { accountThreshold: 3, ipThreshold: 9, baseDelayMs: 1_000, maxDelayMs: 60_000 },
        },
      }),
    );
    const adminToken = (await signIn(api.url, ADMIN.email, ADMIN.password)).accessToken;
    await createUser(api.url, adminToken, bob);
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  const attempt = (email: string, password: string): ReturnType<typeof call<ErrorBody>> =>
    call<ErrorBody>(api.url, 'POST', '/auth/token', { body: { email, password } });

  it('locks an email after repeated failures, with doubling backoff, whether or not it exists', async () => {
    for (const email of [bob.email, 'ghost@example.com']) {
      for (let i = 0; i < 3; i++) expect((await attempt(email, 'wrong-password-x')).status).toBe(401);
      // Locked: even the right password waits, and the answer says nothing about the account.
      const locked = await attempt(email, bob.password);
      expect(locked.status).toBe(429);
      expect(locked.headers.get('retry-after')).toBe('1');
      expect(locked.body.error).toMatchObject({
        code: 'rate_limited',
        message: 'Too many failed sign-in attempts; try again later',
      });
    }
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await attempt(bob.email, 'wrong-password-x')).status).toBe(401);
    const longer = await attempt(bob.email, bob.password);
    expect(longer.status).toBe(429);
    expect(longer.headers.get('retry-after')).toBe('2');

    await new Promise((r) => setTimeout(r, 2_100));
    expect((await attempt(bob.email, bob.password)).status).toBe(200);
    // Success clears the email's count.
    expect((await attempt(bob.email, 'wrong-password-x')).status).toBe(401);
    expect((await attempt(bob.email, bob.password)).status).toBe(200);
  });

  it('locks a client IP that fails across many emails', async () => {
    // 8 failures were recorded from this IP above; one more reaches ipThreshold (9).
    expect((await attempt('carol@example.com', 'wrong-password-x')).status).toBe(401);
    const locked = await attempt('dave@example.com', 'any-password-xx');
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
