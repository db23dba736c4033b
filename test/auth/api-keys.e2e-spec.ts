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
  type ApiKeyView,
  type ErrorBody,
  type UserView,
} from './support/auth-client';

// jest.config.js's per-project testTimeout is not applied (a global-only option): set it here.
jest.setTimeout(60_000);

interface Me {
  kind: string;
  userId: string;
  role: string;
  scopes: string[];
  apiKeyId?: string;
}

describe('API keys', () => {
  let databaseUrl: string;
  let keyPrefix: string;
  let api: RunningApi;
  let adminToken: string;
  let alice: UserView;
  let bob: UserView;
  let aliceToken: string;
  let bobToken: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    keyPrefix = uniquePrefix();
    api = await startApi(
      authTestConfig({
        databaseUrl,
        redisUrl: testRedisUrl(),
        keyPrefix,
        auth: { apiKeyLastUsedFlushMs: 200 },
      }),
    );
    adminToken = (await signIn(api.url, ADMIN.email, ADMIN.password)).accessToken;
    alice = await createUser(api.url, adminToken, {
      email: 'alice@example.com',
      password: 'alice-password-01',
    });
    bob = await createUser(api.url, adminToken, { email: 'bob@example.com', password: 'bob-password-0123' });
    aliceToken = (await signIn(api.url, 'alice@example.com', 'alice-password-01')).accessToken;
    bobToken = (await signIn(api.url, 'bob@example.com', 'bob-password-0123')).accessToken;
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('shows a new key once, stores only its prefix, and accepts it as a bearer credential', async () => {
    const created = await createApiKey(api.url, aliceToken, { name: 'billing', scopes: ['chat', 'chat'] });
    expect(created).toMatchObject({
      userId: alice.id,
      name: 'billing',
      scopes: ['chat'],
      expiresAt: null,
      revokedAt: null,
      key: expect.stringMatching(new RegExp(`^mpb_${created.prefix}_[A-Za-z0-9_-]{43}$`)),
    });

    const listed = await call<ApiKeyView[]>(api.url, 'GET', '/api-keys', { token: aliceToken });
    expect(listed.body.map((k) => k.id)).toContain(created.id);
    // the secret is everything after `mpb_<prefix>_` (it may itself contain underscores)
    expect(JSON.stringify(listed.body)).not.toContain(created.key.slice(`mpb_${created.prefix}_`.length));
    expect(listed.body.every((k) => !('key' in k))).toBe(true);

    const me = await call<Me>(api.url, 'GET', '/auth/me', { token: created.key });
    expect(me.body).toEqual(
      expect.objectContaining({
        kind: 'api_key',
        userId: alice.id,
        role: 'user',
        scopes: ['chat'],
        apiKeyId: created.id,
      }),
    );
  });

  it('rejects a key whose secret is wrong, even with a real prefix', async () => {
    const created = await createApiKey(api.url, aliceToken, { name: 'x', scopes: ['chat'] });
    const forged = `mpb_${created.prefix}_${'A'.repeat(43)}`;
    const res = await call<ErrorBody>(api.url, 'GET', '/auth/me', { token: forged });
    expect(res.status).toBe(401);
    expect(res.body.error.message).toBe('Invalid API key');
  });

  it('updates lastUsedAt off the request path', async () => {
    const created = await createApiKey(api.url, aliceToken, { name: 'touched', scopes: ['tasks'] });
    expect(created.lastUsedAt).toBeNull();
    await call(api.url, 'GET', '/auth/me', { token: created.key });
    const deadline = Date.now() + 5_000;
    let lastUsedAt: string | null = null;
    while (!lastUsedAt && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      const keys = await call<ApiKeyView[]>(api.url, 'GET', '/api-keys', { token: aliceToken });
      lastUsedAt = keys.body.find((k) => k.id === created.id)?.lastUsedAt ?? null;
    }
    expect(lastUsedAt).not.toBeNull();
  });

  it('revokes a key at once on this instance; revoking again is fine', async () => {
    const created = await createApiKey(api.url, aliceToken, { name: 'short-lived', scopes: ['chat'] });
    expect((await call(api.url, 'GET', '/auth/me', { token: created.key })).status).toBe(200);
    expect((await call(api.url, 'DELETE', `/api-keys/${created.id}`, { token: aliceToken })).status).toBe(
      204,
    );
    const after = await call<ErrorBody>(api.url, 'GET', '/auth/me', { token: created.key });
    expect(after.status).toBe(401);
    expect(after.body.error.message).toBe('API key is no longer valid');
    expect((await call(api.url, 'DELETE', `/api-keys/${created.id}`, { token: aliceToken })).status).toBe(
      204,
    );
    const listed = await call<ApiKeyView[]>(api.url, 'GET', '/api-keys', { token: aliceToken });
    expect(listed.body.find((k) => k.id === created.id)?.revokedAt).toEqual(expect.any(String));
  });

  it('honours an expiry, and refuses one in the past', async () => {
    const created = await createApiKey(api.url, aliceToken, {
      name: 'expiring',
      scopes: ['chat'],
      expiresAt: new Date(Date.now() + 1_500).toISOString(),
    });
    expect((await call(api.url, 'GET', '/auth/me', { token: created.key })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1_600));
    const expired = await call<ErrorBody>(api.url, 'GET', '/auth/me', { token: created.key });
    expect(expired.status).toBe(401);
    expect(expired.body.error.message).toBe('API key has expired');

    const past = await call<ErrorBody>(api.url, 'POST', '/api-keys', {
      token: aliceToken,
      body: { name: 'past', scopes: ['chat'], expiresAt: '2001-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
  });

  it('validates scopes', async () => {
    for (const scopes of [[], ['admin'], 'chat']) {
      const res = await call<ErrorBody>(api.url, 'POST', '/api-keys', {
        token: aliceToken,
        body: { name: 'x', scopes },
      });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('validation_failed');
    }
  });

  it('does not let an API key manage keys or users', async () => {
    const created = await createApiKey(api.url, aliceToken, { name: 'no-mgmt', scopes: ['chat', 'tasks'] });
    for (const [method, path] of [
      ['POST', '/api-keys'],
      ['GET', '/api-keys'],
      ['DELETE', `/api-keys/${created.id}`],
    ] as const) {
      const res = await call<ErrorBody>(api.url, method, path, {
        token: created.key,
        body: method === 'POST' ? { name: 'child', scopes: ['chat'] } : undefined,
      });
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }
  });

  describe('ownership (IDOR)', () => {
    let aliceKey: { id: string; key: string };

    beforeAll(async () => {
      aliceKey = await createApiKey(api.url, aliceToken, { name: 'alice-secret', scopes: ['chat'] });
    });

    it("answers another user's key id with 404, exactly as for a key that does not exist", async () => {
      const theirs = await call<ErrorBody>(api.url, 'DELETE', `/api-keys/${aliceKey.id}`, {
        token: bobToken,
      });
      const missing = await call<ErrorBody>(api.url, 'DELETE', `/api-keys/${randomUUID()}`, {
        token: bobToken,
      });
      for (const res of [theirs, missing]) {
        expect(res.status).toBe(404);
        expect(res.body.error).toMatchObject({ code: 'not_found', message: 'API key not found' });
      }
      // Alice's key survived.
      expect((await call(api.url, 'GET', '/auth/me', { token: aliceKey.key })).status).toBe(200);
    });

    it("never lists another user's keys, and a user cannot ask for them", async () => {
      const bobs = await call<ApiKeyView[]>(api.url, 'GET', '/api-keys', { token: bobToken });
      expect(bobs.status).toBe(200);
      expect(bobs.body.every((k) => k.userId === bob.id)).toBe(true);
      expect(bobs.body.map((k) => k.id)).not.toContain(aliceKey.id);
      const asking = await call<ErrorBody>(api.url, 'GET', `/api-keys?userId=${alice.id}`, {
        token: bobToken,
      });
      expect(asking.status).toBe(404);
      const own = await call<ApiKeyView[]>(api.url, 'GET', `/api-keys?userId=${bob.id}`, { token: bobToken });
      expect(own.status).toBe(200);
    });

    it('refuses keys for someone else, and limits, from a non-admin', async () => {
      const forAlice = await call<ErrorBody>(api.url, 'POST', '/api-keys', {
        token: bobToken,
        body: { name: 'sneaky', scopes: ['chat'], userId: alice.id },
      });
      expect(forAlice.status).toBe(403);
      const selfNamed = await call(api.url, 'POST', '/api-keys', {
        token: bobToken,
        body: { name: 'mine', scopes: ['chat'], userId: bob.id },
      });
      expect(selfNamed.status).toBe(201);
      const withLimits = await call<ErrorBody>(api.url, 'POST', '/api-keys', {
        token: bobToken,
        body: { name: 'fast', scopes: ['chat'], limits: { rpm: 1_000_000 } },
      });
      expect(withLimits.status).toBe(403);
    });

    it("lets an admin create, list and revoke anyone's keys", async () => {
      const forBob = await createApiKey(api.url, adminToken, {
        name: 'issued-by-admin',
        scopes: ['tasks'],
        userId: bob.id,
        limits: { rpm: 5 },
      });
      expect(forBob.userId).toBe(bob.id);
      const bobsKeys = await call<ApiKeyView[]>(api.url, 'GET', `/api-keys?userId=${bob.id}`, {
        token: adminToken,
      });
      expect(bobsKeys.body.map((k) => k.id)).toContain(forBob.id);
      expect(bobsKeys.body.every((k) => k.userId === bob.id)).toBe(true);
      const all = await call<ApiKeyView[]>(api.url, 'GET', '/api-keys', { token: adminToken });
      expect(new Set(all.body.map((k) => k.userId))).toEqual(new Set([alice.id, bob.id]));
      expect((await call(api.url, 'DELETE', `/api-keys/${forBob.id}`, { token: adminToken })).status).toBe(
        204,
      );
      const noSuchUser = await call(api.url, 'POST', '/api-keys', {
        token: adminToken,
        body: { name: 'x', scopes: ['chat'], userId: randomUUID() },
      });
      expect(noSuchUser.status).toBe(404);
    });

    it('rejects a malformed id with 400', async () => {
      expect((await call(api.url, 'DELETE', '/api-keys/not-a-uuid', { token: bobToken })).status).toBe(400);
    });
  });

  it('takes a revocation to another api instance within the key cache bound', async () => {
    const other = await startApi(
      authTestConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix, auth: { apiKeyCacheTtlMs: 1_000 } }),
    );
    try {
      const created = await createApiKey(api.url, aliceToken, { name: 'shared', scopes: ['chat'] });
      expect((await call(other.url, 'GET', '/auth/me', { token: created.key })).status).toBe(200);
      await call(api.url, 'DELETE', `/api-keys/${created.id}`, { token: aliceToken });
      const revokedAt = Date.now();
      let status = 200;
      while (status === 200 && Date.now() - revokedAt < 3_000) {
        status = (await call(other.url, 'GET', '/auth/me', { token: created.key })).status;
        if (status === 200) await new Promise((r) => setTimeout(r, 50));
      }
      expect(status).toBe(401);
      expect(Date.now() - revokedAt).toBeLessThan(1_500);
    } finally {
      await other.close();
    }
  });
});
