import { UsersService } from '@app/auth';
import { fakeDeployments, MODELS } from '../../chat/support/chat-testbed';
import { startApi, type RunningApi } from '../../support/api-harness';
import { signTestAccessToken } from '../../support/auth';
import { FakeVendorServer } from '../../support/fake-vendors';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../../support/services';
import { testConfig } from '../../support/test-config';

export const BODY_LIMIT_BYTES = 65_536;
export const BOOTSTRAP_ADMIN = { email: 'hostile-admin@example.com', password: 'Hostile-Admin-Pass-0' };
export const SERVED_MODELS = Object.values(MODELS);

export interface Caller {
  id: string;
  email: string;
  password: string;
  token: string;
}

export interface HostileBed {
  fake: FakeVendorServer;
  api: RunningApi;
  url: string;
  adminToken: string;
  /** A real user (tasks reference users), signed with unlimited limits. */
  newUser(name: string): Promise<Caller>;
  close(): Promise<void>;
}

/**
 * The real api in this process (listening on loopback) with one deployment per vendor at a fake vendor
 * server, a bootstrap admin, and no limit that would turn hostile traffic into 429s (lockout and rate
 * limits get their own tests). No worker: tasks stay queued.
 */
export async function startHostileBed(
  extra: Record<string, Record<string, unknown>> = {},
): Promise<HostileBed> {
  const fake = await FakeVendorServer.start();
  const databaseUrl = await createTestDatabase();
  const unlimited = { rpm: 0, tpm: 0, tpd: 0 };
  const api = await startApi(
    testConfig({
      databaseUrl,
      redisUrl: testRedisUrl(),
      keyPrefix: uniquePrefix('hostile'),
      extra: {
        ...extra,
        server: { bodyLimitBytes: BODY_LIMIT_BYTES, ...extra.server },
        providers: fakeDeployments(fake.url),
        routing: {
          retry: { maxAttempts: 1 },
          breaker: { failureThreshold: 1_000, minRequests: 1_000 },
          ...extra.routing,
        },
        auth: {
          bootstrapAdminEmail: BOOTSTRAP_ADMIN.email,
          bootstrapAdminPassword: BOOTSTRAP_ADMIN.password,
          limits: { publicRpm: 0, user: unlimited, admin: unlimited },
          loginLockout: { accountThreshold: 1_000_000, ipThreshold: 1_000_000 },
          ...extra.auth,
        },
        tasks: { healthPort: 0, webhooks: { allowPrivate: false, allowedHosts: [] }, ...extra.tasks },
      },
    }),
  );
  let users = 0;
  return {
    fake,
    api,
    url: api.url,
    adminToken: signTestAccessToken({ role: 'admin', limits: unlimited }),
    async newUser(name) {
      const email = `${name}-${++users}@example.com`;
      const password = `Password-of-${name}-0001`;
      const user = await api.app.get(UsersService).create({ email, password, role: 'user' });
      return {
        id: user.id,
        email,
        password,
        token: signTestAccessToken({ userId: user.id, limits: unlimited }),
      };
    },
    async close() {
      await api.close();
      await fake.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}
