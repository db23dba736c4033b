import { UsersService } from '@app/auth';
import type { AppConfig } from '@app/config';
import { Client } from 'pg';
import { startApi, type RunningApi } from '../../support/api-harness';
import { signTestAccessToken } from '../../support/auth';
import { FakeVendorServer, type RecordedCall } from '../../support/fake-vendors';
import { DIST, spawnNode, type SpawnedProcess } from '../../support/processes';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../../support/services';
import { testConfig, testEnv } from '../../support/test-config';
import { TaskClient } from './task-client';

export const MODEL = 'test-model';

/** Small locks and intervals: a killed worker's job moves on in ~3 s, a lost job is re-enqueued in ~2 s. */
const TASKS = {
  healthPort: 0,
  concurrency: 4,
  maxAttempts: 3,
  backoffMs: 100,
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  maxStalledCount: 2,
  heartbeatIntervalMs: 300,
  reconcileIntervalMs: 500,
  staleAfterMs: 1_000,
  webhooks: { allowPrivate: false, allowedHosts: ['127.0.0.1'], backoffMs: 100, timeoutMs: 2_000 },
};
/** No per-user limits: the throughput test sends 200 tasks in seconds. */
const UNLIMITED = { user: { rpm: 0, tpm: 0, tpd: 0 }, admin: { rpm: 0, tpm: 0, tpd: 0 } };
/** Retries happen at the task level only, so a task's attempts are visible. */
const ROUTING = { retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1000, minRequests: 1000 } };

export interface Testbed {
  fake: FakeVendorServer;
  databaseUrl: string;
  /** redis.keyPrefix of this test file (BullMQ keys live under it without the trailing colon). */
  keyPrefix: string;
  db: Client;
  api: RunningApi;
  workers: SpawnedProcess[];
  /** A client for a new user (a real row: tasks reference users). */
  newUser(name: string): Promise<TaskClient>;
  spawnWorker(): Promise<SpawnedProcess>;
  restartApi(): Promise<void>;
  /** Calls to the fake whose last user message is `prompt`. */
  callsFor(prompt: string): RecordedCall[];
  close(): Promise<void>;
}

export async function startTestbed(workerCount: number): Promise<Testbed> {
  const fake = await FakeVendorServer.start();
  const databaseUrl = await createTestDatabase();
  const prefix = uniquePrefix('tasks');
  const providers = [
    {
      id: 'fake-openai',
      type: 'openai',
      apiKey: 'sk-test-not-secret',
      baseUrl: `${fake.url}/v1`,
      models: [{ name: MODEL }],
      maxRetries: 0,
      timeoutMs: 60_000,
    },
  ];
  const apiConfig = (): AppConfig =>
    testConfig({
      databaseUrl,
      redisUrl: testRedisUrl(),
      keyPrefix: prefix,
      extra: { providers, routing: ROUTING, tasks: TASKS, auth: { limits: UNLIMITED } },
    });
  const workerEnv = testEnv({
    databaseUrl,
    redisUrl: testRedisUrl(),
    extra: {
      REDIS_KEY_PREFIX: prefix,
      MPB__database__migrationsRun: 'false',
      // Drain for 3 s (75 %) on SIGTERM, then hand runs back.
      MPB__server__shutdownTimeoutMs: '4000',
      MPB__providers: JSON.stringify(providers),
      MPB__routing: JSON.stringify(ROUTING),
      MPB__tasks: JSON.stringify(TASKS),
      MPB__auth__limits: JSON.stringify(UNLIMITED),
    },
  });

  // The api applies the migrations; workers start after it, with migrations off.
  let api = await startApi(apiConfig());
  const db = new Client({ connectionString: databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  const workers: SpawnedProcess[] = [];
  const spawnWorker = async (): Promise<SpawnedProcess> => {
    const worker = spawnNode(DIST.worker, workerEnv);
    workers.push(worker);
    await worker.waitForOutput(/processing tasks jobs/, 20_000);
    return worker;
  };

  let users = 0;
  const bed: Testbed = {
    fake,
    databaseUrl,
    keyPrefix: prefix,
    db,
    get api() {
      return api;
    },
    workers,
    async newUser(name) {
      const user = await api.app.get(UsersService).create({
        email: `${name}-${++users}@example.com`,
        password: 'correct-horse-battery-staple',
        role: 'user',
      });
      return new TaskClient(() => api.url, signTestAccessToken({ userId: user.id }));
    },
    spawnWorker,
    async restartApi() {
      await api.close();
      api = await startApi(apiConfig());
    },
    callsFor(prompt) {
      return fake.calls.filter((call) => lastUserMessage(call.body) === prompt);
    },
    async close() {
      for (const worker of workers) {
        if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      }
      await Promise.all(workers.map((worker) => worker.exited().catch(() => undefined)));
      await api.close().catch(() => undefined);
      await db.end().catch(() => undefined);
      await fake.close();
      await dropTestDatabase(databaseUrl);
    },
  };
  try {
    await Promise.all(Array.from({ length: workerCount }, spawnWorker));
  } catch (error) {
    await bed.close();
    throw error;
  }
  return bed;
}

function lastUserMessage(body: unknown): string | undefined {
  const messages = (body as { messages?: { role: string; content: unknown }[] } | undefined)?.messages;
  const content = messages?.filter((m) => m.role === 'user').at(-1)?.content;
  return typeof content === 'string' ? content : undefined;
}

/** The pid in a task row's worker_id (`host:pid`). */
export function pidOf(workerId: string | null): number | undefined {
  return workerId ? Number(workerId.split(':').at(-1)) : undefined;
}
