import { Client } from 'pg';
import { signTestAccessToken } from '../../support/auth';
import { FakeVendorServer, type RecordedCall } from '../../support/fake-vendors';
import type { SpawnedProcess } from '../../support/processes';
import { parseJson, send } from './gateway-client';
import {
  gatewayEnv,
  killAll,
  spawnApi,
  spawnWorker,
  type ApiProcess,
  type ConfigSections,
} from './gateway-processes';
import { waitFor } from './traffic';

/** Answered by the fake's OpenAI route: chat traffic. */
export const CHAT_MODEL = 'chat-model';
/** Answered by the fake's Anthropic route: tasks, so their behaviour can be scripted apart from chat. */
export const TASK_MODEL = 'task-model';

const UNLIMITED = { rpm: 0, tpm: 0, tpd: 0 };

/**
 * Short locks and intervals, so a killed worker's job moves on in ~3 s and a lost job is re-enqueued in
 * ~1-2 s (the same settings the tasks e2e tests use).
 */
export const FAST_TASKS = {
  concurrency: 4,
  maxAttempts: 3,
  backoffMs: 100,
  lockDurationMs: 2_000,
  stalledIntervalMs: 1_000,
  maxStalledCount: 5,
  heartbeatIntervalMs: 300,
  reconcileIntervalMs: 500,
  staleAfterMs: 1_000,
  webhooks: { allowPrivate: false, allowedHosts: ['127.0.0.1'], backoffMs: 100, timeoutMs: 2_000 },
};

/** Config shared by the process scenarios; `overrides` replaces whole keys of a section. */
export function scenarioSections(fakeUrl: string, overrides: ConfigSections = {}): ConfigSections {
  const base: ConfigSections = {
    providers: [
      {
        id: 'fake-openai',
        type: 'openai',
        apiKey: 'sk-scenario-openai',
        baseUrl: `${fakeUrl}/v1`,
        models: [{ name: CHAT_MODEL }],
        maxRetries: 0,
        timeoutMs: 10_000,
      },
      {
        id: 'fake-anthropic',
        type: 'anthropic',
        apiKey: 'sk-ant-scenario',
        baseUrl: fakeUrl,
        models: [{ name: TASK_MODEL, model: 'claude-task' }],
        maxRetries: 0,
        timeoutMs: 30_000,
      },
    ],
    routing: {
      retry: { maxAttempts: 1 },
      breaker: { failureThreshold: 1_000, minRequests: 1_000 },
    },
    tasks: FAST_TASKS,
    auth: { limits: { user: UNLIMITED, admin: UNLIMITED, publicRpm: 0 } },
    cache: { enabled: false },
    analytics: {
      ingest: { flushIntervalMs: 50 },
      writer: { retryDelayMs: 100, maxRetryDelayMs: 500 },
    },
    redis: { connectTimeoutMs: 1_000 },
    database: { connectTimeoutMs: 1_000 },
  };
  for (const [section, values] of Object.entries(overrides)) {
    const current = base[section];
    base[section] =
      current &&
      typeof current === 'object' &&
      !Array.isArray(current) &&
      values &&
      typeof values === 'object'
        ? { ...current, ...values }
        : values;
  }
  return base;
}

export interface ScenarioBed {
  fake: FakeVendorServer;
  api: ApiProcess;
  workers: SpawnedProcess[];
  env: NodeJS.ProcessEnv;
  databaseUrl: string;
  keyPrefix: string;
  /** a direct connection (null until `connectDb`), for checks on the rows themselves */
  db: Client | null;
  adminToken: string;
  /**
   * Creates a real user row (tasks reference users) and returns an access token for it, carrying
   * `limits` (default: unlimited, so no limit touches Redis).
   */
  newUser(
    name: string,
    limits?: { rpm: number; tpm: number; tpd: number },
  ): Promise<{ id: string; token: string }>;
  spawnWorker(): Promise<SpawnedProcess>;
  restartApi(): Promise<ApiProcess>;
  connectDb(): Promise<Client>;
  /** Calls whose last user message is `prompt`. */
  callsFor(prompt: string): RecordedCall[];
  close(): Promise<void>;
}

/**
 * The real api and worker processes (dist) against the given PostgreSQL and Redis, one fake vendor server
 * in this process, a fresh key prefix per file. The caller owns the database and Redis.
 */
export async function startScenarioBed(opts: {
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
  workers: number;
  sections?: ConfigSections;
  /** Deployments instead of the standard two (they get the fake vendor server's URL). */
  providers?: (fakeUrl: string) => Record<string, unknown>[];
  env?: Record<string, string>;
}): Promise<ScenarioBed> {
  const fake = await FakeVendorServer.start();
  const sections = scenarioSections(fake.url, opts.sections);
  if (opts.providers) sections.providers = opts.providers(fake.url);
  const env = gatewayEnv({
    databaseUrl: opts.databaseUrl,
    redisUrl: opts.redisUrl,
    keyPrefix: opts.keyPrefix,
    sections,
    env: opts.env,
  });
  const workers: SpawnedProcess[] = [];
  let api: ApiProcess | undefined;
  let db: Client | null = null;
  const adminToken = signTestAccessToken({ role: 'admin', limits: UNLIMITED });
  let users = 0;

  const bed: ScenarioBed = {
    fake,
    get api(): ApiProcess {
      if (!api) throw new Error('api not started');
      return api;
    },
    workers,
    env,
    databaseUrl: opts.databaseUrl,
    keyPrefix: opts.keyPrefix,
    get db() {
      return db;
    },
    adminToken,
    async newUser(name, limits = UNLIMITED) {
      const res = await send(bed.api.url, 'POST', '/users', {
        token: adminToken,
        body: { email: `${name}-${++users}-${process.pid}@example.com`, password: 'correct-horse-battery-9' },
      });
      if (res.status !== 201) throw new Error(`POST /users: ${res.status} ${res.text}`);
      const { id } = parseJson<{ id: string }>(res);
      return { id, token: signTestAccessToken({ userId: id, limits }) };
    },
    async spawnWorker() {
      const worker = await spawnWorker(env);
      workers.push(worker);
      return worker;
    },
    async restartApi() {
      if (api) await killAll([api.proc]);
      api = await spawnApi(env);
      return api;
    },
    async connectDb() {
      if (db) return db;
      const client = new Client({ connectionString: opts.databaseUrl });
      client.on('error', () => undefined);
      await client.connect();
      db = client;
      return client;
    },
    callsFor(prompt) {
      return fake.calls.filter((call) => lastUserMessage(call.body) === prompt);
    },
    async close() {
      await killAll([...workers, ...(api ? [api.proc] : [])]);
      await db?.end().catch(() => undefined);
      await fake.close();
    },
  };
  try {
    api = await spawnApi(env);
    await Promise.all(Array.from({ length: opts.workers }, () => bed.spawnWorker()));
  } catch (error) {
    await bed.close();
    throw error;
  }
  return bed;
}

export function lastUserMessage(body: unknown): string | undefined {
  const messages = (body as { messages?: { role: string; content: unknown }[] } | undefined)?.messages;
  const content = messages?.filter((m) => m.role === 'user').at(-1)?.content;
  if (typeof content === 'string') return content;
  // Anthropic's wire format may carry content blocks.
  if (Array.isArray(content)) {
    const text = (content as { type?: string; text?: string }[]).find((b) => b.type === 'text')?.text;
    return typeof text === 'string' ? text : undefined;
  }
  return undefined;
}

export interface TaskRow {
  id: string;
  status: string;
  attempts: number;
  worker_id: string | null;
  finished_at: Date | null;
}

/** Rows of these tasks, straight from PostgreSQL. */
export async function taskRows(db: Client, ids: string[]): Promise<TaskRow[]> {
  const { rows } = await db.query<TaskRow>(
    'SELECT id, status, attempts, worker_id, finished_at FROM tasks WHERE id = ANY($1)',
    [ids],
  );
  return rows;
}

/** Waits until every task is succeeded/failed/cancelled; returns the rows. */
export async function waitForTasksFinished(db: Client, ids: string[], timeoutMs: number): Promise<TaskRow[]> {
  return waitFor(
    async () => {
      const rows = await taskRows(db, ids);
      return rows.length === ids.length &&
        rows.every((r) => ['succeeded', 'failed', 'cancelled'].includes(r.status))
        ? rows
        : undefined;
    },
    timeoutMs,
    `${ids.length} tasks to finish`,
    200,
  );
}

export function chatTaskBody(prompt: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'chat',
    input: { model: TASK_MODEL, messages: [{ role: 'user', content: prompt }] },
    ...extra,
  };
}
