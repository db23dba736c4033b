import { startApi, type RunningApi } from '../support/api-harness';
import { DIST, spawnNode, type SpawnedProcess } from '../support/processes';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { TEST_JWT_SECRET, testConfig, testEnv } from '../support/test-config';
import { call, createApiKey, signIn, type TokenPair } from './support/auth-client';
import { CREATE_USER_CLI, runCli } from './support/run-cli';

// jest.config.js's per-project testTimeout is not applied (a global-only option): set it here.
jest.setTimeout(60_000);

describe('npm run user:create', () => {
  let databaseUrl: string;
  let api: RunningApi | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv =>
    testEnv({ databaseUrl, redisUrl: testRedisUrl(), extra });

  it('creates an admin from a password on stdin (migrating a fresh database first), never echoing it', async () => {
    const password = 'cli-admin-password-9';
    const run = await runCli(
      CREATE_USER_CLI,
      ['--email', 'Ops@Example.com', '--role', 'admin', '--password-stdin'],
      env(),
      `${password}\n`,
    );
    expect(run.output).toMatch(/created admin ops@example\.com \(id [0-9a-f-]{36}\)/);
    expect(run.code).toBe(0);
    expect(run.output).not.toContain(password);

    api = await startApi(testConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix: uniquePrefix() }));
    const pair = await signIn(api.url, 'ops@example.com', password);
    const me = await call<{ role: string }>(api.url, 'GET', '/auth/me', { token: pair.accessToken });
    expect(me.body.role).toBe('admin');
  });

  it('takes the password from MPB_USER_PASSWORD too, and refuses duplicates', async () => {
    const run = await runCli(
      CREATE_USER_CLI,
      ['--email', 'worker@example.com'],
      env({ MPB_USER_PASSWORD: 'env-password-0123' }),
    );
    expect(run.code).toBe(0);
    expect(run.output).toContain('created user worker@example.com');
    const again = await runCli(
      CREATE_USER_CLI,
      ['--email', 'worker@example.com'],
      env({ MPB_USER_PASSWORD: 'env-password-0123' }),
    );
    expect(again.code).toBe(1);
    expect(again.output).toContain('a user with email worker@example.com already exists');
  });

  it('refuses a password argument, a missing password and a weak one, without echoing them', async () => {
    const flag = await runCli(
      CREATE_USER_CLI,
      ['--email', 'x@example.com', '--password', 'flag-password-77'],
      env(),
    );
    expect(flag.code).toBe(1);
    expect(flag.output).toContain('--password is not accepted');
    expect(flag.output).not.toContain('flag-password-77');

    const none = await runCli(CREATE_USER_CLI, ['--email', 'x@example.com'], env());
    expect(none.code).toBe(1);
    expect(none.output).toContain('no password given');

    const weak = await runCli(
      CREATE_USER_CLI,
      ['--email', 'x@example.com', '--password-stdin'],
      env(),
      'weak7\n',
    );
    expect(weak.code).toBe(1);
    expect(weak.output).toContain('Password must be 12 to 1024 characters long');
    expect(weak.output).not.toContain('weak7');
  });
});

describe('secrets never appear in responses or logs', () => {
  let databaseUrl: string;
  let proc: SpawnedProcess;
  let url: string;

  const adminPassword = 'Bootstrap-Admin-Secret-1';
  const userPassword = 'User-Password-Secret-2';
  const wrongPassword = 'Wrong-Password-Secret-3';
  const secrets: string[] = [TEST_JWT_SECRET, adminPassword, userPassword, wrongPassword];
  const responses: string[] = [];

  async function logged<T>(method: string, path: string, opts: Parameters<typeof call>[3] = {}): Promise<T> {
    const res = await call<T>(url, method, path, opts);
    responses.push(JSON.stringify(res.body ?? ''));
    return res.body;
  }

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    proc = spawnNode(
      DIST.api,
      testEnv({
        databaseUrl,
        redisUrl: testRedisUrl(),
        extra: {
          LOG_LEVEL: 'debug',
          REDIS_KEY_PREFIX: uniquePrefix(),
          MPB__auth__bootstrapAdminEmail: 'root@example.com',
          MPB__auth__bootstrapAdminPassword: adminPassword,
          MPB__auth__apiKeyLastUsedFlushMs: '200',
        },
      }),
    );
    [, url] = await proc.waitForOutput(/api listening on (http:\/\/[^"\s]+)/);
  });

  afterAll(async () => {
    if (proc && proc.child.exitCode === null) {
      proc.child.kill('SIGTERM');
      await proc.exited();
    }
    await dropTestDatabase(databaseUrl);
  });

  it('exercises every credential path, then finds none of the secrets in any log line or response', async () => {
    const admin = await logged<TokenPair>('POST', '/auth/token', {
      body: { email: 'root@example.com', password: adminPassword },
    });
    secrets.push(admin.accessToken, admin.refreshToken);
    await logged('POST', '/auth/token', { body: { email: 'root@example.com', password: wrongPassword } });
    await logged('POST', '/auth/token', { body: { email: 'nobody@example.com', password: wrongPassword } });
    await logged('POST', '/users', {
      token: admin.accessToken,
      body: { email: 'u@example.com', password: userPassword },
    });
    await logged('POST', '/users', {
      token: admin.accessToken,
      body: { email: 'u@example.com', password: userPassword },
    });
    await logged('POST', '/users', {
      token: admin.accessToken,
      body: { email: 'v@example.com', password: 'short-Secret' },
    });

    const user = await logged<TokenPair>('POST', '/auth/token', {
      body: { email: 'u@example.com', password: userPassword },
    });
    secrets.push(user.accessToken, user.refreshToken);
    const rotated = await logged<TokenPair>('POST', '/auth/refresh', {
      body: { refreshToken: user.refreshToken },
    });
    secrets.push(rotated.accessToken, rotated.refreshToken);
    await logged('POST', '/auth/refresh', { body: { refreshToken: user.refreshToken } }); // reuse: logged as a warning

    const key = await createApiKey(url, admin.accessToken, { name: 'logged', scopes: ['chat'] });
    secrets.push(key.key, key.key.slice(`mpb_${key.prefix}_`.length));
    await logged('GET', '/auth/me', { token: key.key });
    await logged('GET', '/api-keys', { token: admin.accessToken });
    await logged('DELETE', `/api-keys/${key.id}`, { token: admin.accessToken });
    await logged('GET', '/auth/me', { token: key.key });
    await logged('GET', '/auth/me', { token: `${admin.accessToken}tampered` });
    await logged('POST', '/auth/logout', { body: { refreshToken: admin.refreshToken } });
    await new Promise((r) => setTimeout(r, 400)); // let the last-used flush and request logs land

    proc.child.kill('SIGTERM');
    expect((await proc.exited()).code).toBe(0);

    const output = proc.output();
    // The run really logged (start-up, the reuse warning), so the scan means something.
    expect(output).toContain('refresh token reused');
    expect(output).toContain('bootstrap admin root@example.com created');
    for (const secret of secrets) {
      expect(output.includes(secret) ? `log contains ${secret.slice(0, 12)}…` : 'clean').toBe('clean');
    }
    expect(output).not.toContain('scrypt$');
    expect(output).not.toContain('short-Secret');

    const bodies = responses.join('\n');
    for (const secret of [
      TEST_JWT_SECRET,
      adminPassword,
      userPassword,
      wrongPassword,
      'short-Secret',
      key.key,
    ]) {
      expect(bodies.includes(secret) ? `response contains ${secret.slice(0, 12)}…` : 'clean').toBe('clean');
    }
    expect(bodies).not.toMatch(/scrypt\$|passwordHash|password_hash|keyHash|key_hash|tokenHash/);
  });
});
