import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeVendorServer } from '../support/fake-vendors';
import { DIST, spawnNode, type SpawnedProcess } from '../support/processes';
import { CREATE_USER_CLI, runCli } from '../auth/support/run-cli';
import { TEST_JWT_SECRET } from '../support/test-config';
import { parseTaskEvents } from '../tasks/support/task-events';

const ADMIN = { email: 'admin@example.com', password: 'embedded-mode-password-1' };
const MODEL = 'test-model';

interface TaskView {
  id: string;
  status: string;
  result?: { content?: string } | null;
}

/**
 * Embedded mode end to end: one built api process, no PostgreSQL or Redis server (the URLs point at
 * closed ports, so any use of them would fail), serving chat, tasks and analytics, keeping its data
 * across a restart.
 */
describe('embedded mode (no PostgreSQL or Redis server)', () => {
  let fake: FakeVendorServer;
  let dataDir: string;
  const spawned: SpawnedProcess[] = [];

  beforeAll(async () => {
    fake = await FakeVendorServer.start();
    dataDir = mkdtempSync(join(tmpdir(), 'mpb-embedded-'));
  });

  afterAll(async () => {
    for (const proc of spawned) if (proc.child.exitCode === null) proc.child.kill('SIGKILL');
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CONFIG_FILE: '/dev/null',
    MPB_MODE: 'embedded',
    MPB_DATA_DIR: dataDir,
    DATABASE_URL: 'postgres://postgres@127.0.0.1:1/unreachable',
    REDIS_URL: 'redis://127.0.0.1:1',
    JWT_SECRET: TEST_JWT_SECRET,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    MPB__auth__bootstrapAdminEmail: ADMIN.email,
    MPB__auth__bootstrapAdminPassword: ADMIN.password,
    MPB__providers: JSON.stringify([
      {
        id: 'fake-compatible',
        type: 'openai-compatible',
        baseUrl: `${fake.url}/v1`,
        apiKey: 'sk-fake',
        models: [{ name: MODEL }],
        maxRetries: 0,
      },
    ]),
    ...extra,
  });

  async function start(extra?: Record<string, string>): Promise<{ proc: SpawnedProcess; url: string }> {
    const proc = spawnNode(DIST.api, env(extra));
    spawned.push(proc);
    const [, url] = await proc.waitForOutput(/api listening on (http:\/\/[^"\s]+)/, 60_000);
    return { proc, url };
  }

  async function stop(proc: SpawnedProcess): Promise<void> {
    proc.child.kill('SIGTERM');
    expect(await proc.exited(20_000)).toEqual({ code: 0, signal: null });
  }

  async function call<T>(
    url: string,
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function login(url: string): Promise<string> {
    const res = await call<{ accessToken: string }>(url, 'POST', '/auth/token', undefined, ADMIN);
    expect(res.status).toBe(200);
    return res.body.accessToken;
  }

  async function eventually<T>(
    read: () => Promise<T>,
    done: (value: T) => boolean,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value) || Date.now() > deadline) return value;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('serves chat, runs a task and answers analytics in one process; all of it survives a restart', async () => {
    let { proc, url } = await start();
    expect(proc.output()).toMatch(/embedded mode: PostgreSQL in-process/);
    expect(proc.output()).toMatch(/one process only/);

    const ready = await call<{ dependencies: { dependency: string; status: string }[] }>(
      url,
      'GET',
      '/health/ready',
    );
    expect(ready.status).toBe(200);
    expect(ready.body.dependencies).toEqual([{ dependency: 'database', status: 'up' }]);

    let token = await login(url);
    const chat = await call<{ choices: { message: { content: string } }[] }>(
      url,
      'POST',
      '/v1/chat/completions',
      token,
      {
        model: MODEL,
        messages: [{ role: 'user', content: 'hello embedded' }],
      },
    );
    expect(chat.status).toBe(200);
    expect(chat.body.choices[0].message.content).toBe('echo: hello embedded');

    const created = await call<TaskView>(url, 'POST', '/tasks', token, {
      type: 'chat',
      input: { model: MODEL, messages: [{ role: 'user', content: 'task in embedded mode' }] },
    });
    expect(created.status).toBe(201);
    const finished = await eventually(
      async () => (await call<TaskView>(url, 'GET', `/tasks/${created.body.id}`, token)).body,
      (task) => task.status === 'succeeded' || task.status === 'failed',
    );
    expect(finished.status).toBe('succeeded');
    expect(JSON.stringify(finished.result)).toContain('echo: task in embedded mode');

    const usage = await eventually(
      async () => (await call<{ totals: { requests: number } }>(url, 'GET', '/analytics/usage', token)).body,
      (report) => report.totals.requests >= 2,
    );
    expect(usage.totals.requests).toBe(2);
    expect(fake.callsFor('openai')).toHaveLength(2);

    // Progress events come only from the worker container's messages (the in-process bus), not from re-reads.
    fake.enqueue('openai', ...[1, 2, 3].map(() => ({ kind: 'delay' as const, ms: 250 })));
    const batch = await call<TaskView>(url, 'POST', '/tasks', token, {
      type: 'batch',
      input: {
        requests: [1, 2, 3].map((n) => ({ model: MODEL, messages: [{ role: 'user', content: `b-${n}` }] })),
        concurrency: 1,
      },
    });
    const stream = await fetch(`${url}/tasks/${batch.body.id}/events`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const events = parseTaskEvents(await stream.text());
    const progress = events
      .filter((e) => e.event === 'progress')
      .map((e) => (e.data as { progress: { done: number } }).progress.done);
    expect(progress).toEqual(expect.arrayContaining([1, 2]));
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'succeeded' } });

    // Concurrent requests: many pg connections share PGlite's one session (each query's messages stay together).
    const burst = await Promise.all([
      ...Array.from({ length: 15 }, (_, i) =>
        call<TaskView>(url, 'POST', '/tasks', token, {
          type: 'chat',
          input: { model: MODEL, messages: [{ role: 'user', content: `burst ${i}` }] },
        }),
      ),
      ...Array.from({ length: 15 }, () =>
        call(url, 'POST', '/v1/chat/completions', token, {
          model: MODEL,
          messages: [{ role: 'user', content: 'x' }],
        }),
      ),
    ]);
    expect(burst.map((r) => r.status)).toEqual([
      ...Array<number>(15).fill(201),
      ...Array<number>(15).fill(200),
    ]);
    for (const created of burst.slice(0, 15)) {
      const task = await eventually(
        async () => (await call<TaskView>(url, 'GET', `/tasks/${(created.body as TaskView).id}`, token)).body,
        (t) => t.status === 'succeeded' || t.status === 'failed',
      );
      expect(task.status).toBe('succeeded');
    }

    // Cancelling a running task reaches the worker container (in-process message bus) and the vendor.
    fake.enqueue('openai', { kind: 'delay', ms: 30_000 });
    const slow = await call<TaskView>(url, 'POST', '/tasks', token, {
      type: 'chat',
      input: { model: MODEL, messages: [{ role: 'user', content: 'slow' }] },
    });
    const vendorCall = await fake.waitForCall('openai', 36, 10_000);
    const cancelled = await call<TaskView>(url, 'DELETE', `/tasks/${slow.body.id}`, token);
    expect(cancelled.body.status).toBe('cancelled');
    await fake.waitForAbort(vendorCall, 2_000);

    // A second process on the same data folder is refused while the first runs.
    const second = spawnNode(DIST.api, env());
    spawned.push(second);
    expect((await second.exited(60_000)).code).toBe(1);
    expect(second.output()).toMatch(/in use by process \d+/);

    // The command-line tools open the embedded database themselves, only while no gateway holds it.
    const user = ['--email', 'cli@example.com', '--role', 'user', '--password-stdin'];
    const refused = await runCli(CREATE_USER_CLI, user, env(), 'cli-user-password-1\n');
    expect(refused.code).toBe(1);
    expect(refused.output).toMatch(/in use by process \d+/);

    await stop(proc);
    const cliUser = await runCli(CREATE_USER_CLI, user, env(), 'cli-user-password-1\n');
    expect(cliUser.output).toMatch(/created user cli@example.com/);
    expect(cliUser.code).toBe(0);
    ({ proc, url } = await start());
    token = await login(url);
    const cliLogin = await call(url, 'POST', '/auth/token', undefined, {
      email: 'cli@example.com',
      password: 'cli-user-password-1',
    });
    expect(cliLogin.status).toBe(200);
    const again = await call<TaskView>(url, 'GET', `/tasks/${created.body.id}`, token);
    expect(again.body.status).toBe('succeeded');
    // The cancelled call is usage too: recorded at shutdown at the latest, written before or after the restart.
    const usageAgain = await eventually(
      async () => (await call<{ totals: { requests: number } }>(url, 'GET', '/analytics/usage', token)).body,
      (report) => report.totals.requests >= 36,
    );
    expect(usageAgain.totals.requests).toBe(36);
    await stop(proc);
  }, 180_000);

  it('loses no task when the process is killed mid-run: after a restart the task runs again and succeeds', async () => {
    // Short job locks so the restarted worker takes the dead one's job over within seconds.
    const quickRecovery = {
      MPB__tasks__lockDurationMs: '2000',
      MPB__tasks__stalledIntervalMs: '1000',
      MPB__tasks__reconcileIntervalMs: '1000',
      MPB__tasks__staleAfterMs: '3000',
    };
    let { proc, url } = await start(quickRecovery);
    let token = await login(url);
    const callsBefore = fake.callsFor('openai').length;
    fake.enqueue('openai', { kind: 'delay', ms: 60_000 });
    const created = await call<TaskView>(url, 'POST', '/tasks', token, {
      type: 'chat',
      input: { model: MODEL, messages: [{ role: 'user', content: 'survives a crash' }] },
    });
    expect(created.status).toBe(201);
    await fake.waitForCall('openai', callsBefore + 1, 10_000);

    proc.child.kill('SIGKILL');
    expect((await proc.exited()).signal).toBe('SIGKILL');

    // The dead process's data-folder lock is taken over; PGlite recovers its files.
    ({ proc, url } = await start(quickRecovery));
    token = await login(url);
    const finished = await eventually(
      async () => (await call<TaskView>(url, 'GET', `/tasks/${created.body.id}`, token)).body,
      (task) => task.status === 'succeeded' || task.status === 'failed',
      45_000,
    );
    expect(finished.status).toBe('succeeded');
    expect(JSON.stringify(finished.result)).toContain('echo: survives a crash');
    await stop(proc);
  }, 180_000);
});
