import { freePort } from '../support/hermetic-services';
import { DIST, spawnNode } from '../support/processes';
import { createTestDatabase, dropTestDatabase, testRedisUrl } from '../support/services';
import { testEnv } from '../support/test-config';

describe('api and worker processes', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });

  afterAll(async () => {
    await dropTestDatabase(databaseUrl);
  });

  it('exits non-zero naming the key when the config is invalid', async () => {
    const env = testEnv({
      databaseUrl,
      redisUrl: testRedisUrl(),
      extra: { JWT_SECRET: 'short', MPB__server__port: 'abc' },
    });
    for (const script of [DIST.api, DIST.worker]) {
      const proc = spawnNode(script, env);
      const { code } = await proc.exited();
      expect(code).toBe(1);
      expect(proc.output()).toContain('Invalid configuration:');
      expect(proc.output()).toContain('auth.jwtSecret: must be at least 32 characters');
      expect(proc.output()).toMatch(/server\.port: .*must be an integer number/);
      expect(proc.output()).not.toContain("'short'");
    }
  });

  it('exits non-zero when a required key is missing', async () => {
    const env = testEnv({ databaseUrl, redisUrl: testRedisUrl() });
    delete env.DATABASE_URL;
    const proc = spawnNode(DIST.api, env);
    expect((await proc.exited()).code).toBe(1);
    expect(proc.output()).toContain('database: section is required');
  });

  it('starts the api, serves readiness, and drains on SIGTERM with exit code 0', async () => {
    const proc = spawnNode(DIST.api, testEnv({ databaseUrl, redisUrl: testRedisUrl() }));
    const [, url] = await proc.waitForOutput(/api listening on (http:\/\/[^"\s]+)/);
    const res = await fetch(`${url}/health/ready`);
    expect(res.status).toBe(200);
    proc.child.kill('SIGTERM');
    expect(await proc.exited()).toEqual({ code: 0, signal: null });
  });

  it('starts the worker (no HTTP API), reports readiness on its health port, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = spawnNode(
      DIST.worker,
      testEnv({ databaseUrl, redisUrl: testRedisUrl(), extra: { WORKER_HEALTH_PORT: String(port) } }),
    );
    await proc.waitForOutput(/worker started/);
    await proc.waitForOutput(/worker health on port/);
    const ready = await fetch(`http://127.0.0.1:${port}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      dependencies: [
        { dependency: 'database', status: 'up' },
        { dependency: 'redis', status: 'up' },
      ],
    });
    proc.child.kill('SIGTERM');
    expect(await proc.exited()).toEqual({ code: 0, signal: null });
    expect(proc.output()).toContain('worker stopped');
  });
});
