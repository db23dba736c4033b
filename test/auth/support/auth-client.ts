import type { AppConfig } from '@app/config';
import { call } from '../../support/json-call';
import { testConfig } from '../../support/test-config';

export { call, type Reply } from '../../support/json-call';

export const ADMIN = { email: 'root@example.com', password: 'root-password-0123' };

export interface ErrorBody {
  error: { code: string; message: string; requestId: string; details?: unknown[] };
}

export interface TokenPair {
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

export interface UserView {
  id: string;
  email: string;
  role: 'user' | 'admin';
  disabled: boolean;
  limits: { rpm: number | null; tpm: number | null; tpd: number | null };
}

export interface ApiKeyView {
  id: string;
  userId: string;
  name: string;
  prefix: string;
  scopes: string[];
  expiresAt: string | null;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

export type CreatedApiKey = ApiKeyView & { key: string };

export async function signIn(baseUrl: string, email: string, password: string): Promise<TokenPair> {
  const res = await call<TokenPair>(baseUrl, 'POST', '/auth/token', { body: { email, password } });
  if (res.status !== 200)
    throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createUser(
  baseUrl: string,
  adminToken: string,
  user: { email: string; password: string; role?: 'user' | 'admin'; limits?: Record<string, number | null> },
): Promise<UserView> {
  const res = await call<UserView>(baseUrl, 'POST', '/users', { token: adminToken, body: user });
  if (res.status !== 201)
    throw new Error(`creating ${user.email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function createApiKey(
  baseUrl: string,
  token: string,
  body: Record<string, unknown>,
): Promise<CreatedApiKey> {
  const res = await call<CreatedApiKey>(baseUrl, 'POST', '/api-keys', { token, body });
  if (res.status !== 201) throw new Error(`creating a key failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** testConfig with a bootstrap admin and limits high enough not to get in a test's way; `auth` merges over it. */
export function authTestConfig(opts: {
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
  auth?: Record<string, unknown>;
  extra?: Record<string, unknown>;
}): AppConfig {
  return testConfig({
    databaseUrl: opts.databaseUrl,
    redisUrl: opts.redisUrl,
    keyPrefix: opts.keyPrefix,
    extra: {
      ...opts.extra,
      auth: {
        bootstrapAdminEmail: ADMIN.email,
        bootstrapAdminPassword: ADMIN.password,
        limits: { publicRpm: 10_000, user: { rpm: 10_000 }, admin: { rpm: 10_000 } },
        loginLockout: { accountThreshold: 50, ipThreshold: 500 },
        ...opts.auth,
      },
    },
  });
}
