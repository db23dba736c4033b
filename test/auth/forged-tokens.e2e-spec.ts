import { createHmac, randomUUID } from 'node:crypto';
import { startApi, type RunningApi } from '../support/api-harness';
import { bearer, signTestAccessToken } from '../support/auth';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { TEST_JWT_SECRET } from '../support/test-config';
import { ADMIN, authTestConfig, call, signIn, type ErrorBody } from './support/auth-client';

// jest.config.js's per-project testTimeout is not applied (a global-only option): set it here.
jest.setTimeout(60_000);

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT built by hand, so every field (alg, kid, claims, signature) can be wrong on purpose. */
function craftJwt(
  header: Record<string, unknown>,
  payload: Record<string, unknown>,
  sign: { secret: string; hash: 'sha256' | 'sha512' } | 'unsigned' = {
    secret: TEST_JWT_SECRET,
    hash: 'sha256',
  },
): string {
  const body = `${b64(header)}.${b64(payload)}`;
  if (sign === 'unsigned') return `${body}.`;
  return `${body}.${createHmac(sign.hash, sign.secret).update(body).digest('base64url')}`;
}

describe('forged and invalid access tokens are rejected', () => {
  let databaseUrl: string;
  let api: RunningApi;
  let adminId: string;
  let realToken: string;

  const now = (): number => Math.floor(Date.now() / 1000);
  const header = { alg: 'HS256', typ: 'JWT', kid: 'k1' };
  const claims = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
    sub: adminId,
    typ: 'access',
    role: 'admin',
    sid: randomUUID(),
    iss: 'manus-platform-backend',
    aud: 'manus-platform',
    iat: now(),
    exp: now() + 600,
    ...overrides,
  });

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    api = await startApi(
      authTestConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix: uniquePrefix() }),
    );
    realToken = (await signIn(api.url, ADMIN.email, ADMIN.password)).accessToken;
    adminId = (await call<{ userId: string }>(api.url, 'GET', '/auth/me', { token: realToken })).body.userId;
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  async function expectRejected(token: string, message = 'Invalid access token'): Promise<void> {
    const res = await call<ErrorBody>(api.url, 'GET', '/users', { headers: bearer(token) });
    expect(res.status).toBe(401);
    expect(res.body.error).toEqual({
      code: 'unauthorized',
      message,
      requestId: res.headers.get('x-request-id'),
    });
    expect(res.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  }

  it('accepts the hand-made control token (so the rejections below are about the one thing changed)', async () => {
    expect(
      (await call(api.url, 'GET', '/users', { headers: bearer(craftJwt(header, claims())) })).status,
    ).toBe(200);
    expect((await call(api.url, 'GET', '/users', { token: realToken })).status).toBe(200);
  });

  it('rejects alg "none" (unsigned), in any spelling', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      await expectRejected(craftJwt({ ...header, alg }, claims(), 'unsigned'));
    }
  });

  it('rejects a token signed with another key', async () => {
    await expectRejected(
      craftJwt(header, claims(), { secret: 'some-other-secret-0123456789-abcdef', hash: 'sha256' }),
    );
  });

  it('rejects another algorithm, even with the right key (HS512, or RS256 in the header)', async () => {
    await expectRejected(
      craftJwt({ ...header, alg: 'HS512' }, claims(), { secret: TEST_JWT_SECRET, hash: 'sha512' }),
    );
    await expectRejected(craftJwt({ ...header, alg: 'RS256' }, claims()));
  });

  it('rejects an expired token, and one not yet valid', async () => {
    await expectRejected(
      craftJwt(header, claims({ iat: now() - 7_200, exp: now() - 3_600 })),
      'Access token has expired',
    );
    await expectRejected(craftJwt(header, claims({ nbf: now() + 3_600 })));
  });

  it('rejects the wrong audience or issuer, or none', async () => {
    await expectRejected(craftJwt(header, claims({ aud: 'someone-else' })));
    await expectRejected(craftJwt(header, claims({ iss: 'https://evil.example' })));
    await expectRejected(craftJwt(header, claims({ aud: undefined })));
    await expectRejected(craftJwt(header, claims({ iss: undefined })));
  });

  it('rejects an unknown or missing key id', async () => {
    await expectRejected(craftJwt({ ...header, kid: 'k2' }, claims()));
    await expectRejected(craftJwt({ alg: 'HS256', typ: 'JWT' }, claims()));
  });

  it('rejects a genuine token whose payload was edited (privilege escalation)', async () => {
    const bobToken = signTestAccessToken({ role: 'user' });
    const [h, , s] = bobToken.split('.');
    const escalated = `${h}.${b64(claims({ role: 'admin' }))}.${s}`;
    await expectRejected(escalated);
  });

  it('rejects well-signed tokens whose claims are not an access token of ours', async () => {
    await expectRejected(craftJwt(header, claims({ typ: 'refresh' })));
    await expectRejected(craftJwt(header, claims({ typ: undefined })));
    await expectRejected(craftJwt(header, claims({ role: 'superuser' })));
    await expectRejected(craftJwt(header, claims({ sub: 'admin' })));
    await expectRejected(craftJwt(header, claims({ lim: { rpm: -5 } })));
  });

  it('rejects malformed credentials and fake API keys', async () => {
    for (const token of [
      'abc',
      'a.b.c',
      'eyJ.eyJ.',
      `${realToken}x`,
      realToken.split('.').slice(0, 2).join('.'),
    ]) {
      await expectRejected(token);
    }
    for (const key of ['mpb_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'mpb_short']) {
      await expectRejected(key, 'Invalid API key');
    }
  });
});
