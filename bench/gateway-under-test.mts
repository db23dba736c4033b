import { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startProcess, type Started } from './processes.mts';

export interface Gateway {
  url: string;
  headers: Record<string, string>;
  process: Started;
  cleanup(): Promise<void>;
}

/**
 * The node options the api runs with in production (docker/Dockerfile and scripts/start.sh set the same
 * NODE_OPTIONS): a young generation capped at 16 MB semi-spaces. Node 24 sizes it from the heap limit
 * (64 MB semi-spaces on this 24 GB machine), which costs ~100 MB of RSS and no measurable throughput.
 */
export const GATEWAY_NODE_OPTIONS = ['--max-semi-space-size=16'];

const ADMIN_EMAIL = 'bench-admin@example.com';
const ADMIN_PASSWORD = `bench-${randomBytes(12).toString('hex')}`;

/**
 * The built api with the production hot path on, in its own throwaway database and Redis key prefix,
 * routing three models to the mock upstreams through OpenAI-compatible deployments. Callers use an API
 * key created through the real auth endpoints.
 */
export async function prepareGateway(opts: {
  pin: string[];
  instantPort: number;
  slowPort: number;
  streamingPort: number;
  /** extra node flags for the gateway process, e.g. --cpu-prof */
  nodeArgs?: string[];
  /** the built entry point (default: BENCH_GATEWAY_ENTRY, else dist/apps/api/src/main.js) */
  entry?: string;
  port?: number;
  /** default: BENCH_GATEWAY_LOG_LEVEL, else warn */
  logLevel?: string;
  /** server.processes (a number or auto): api processes sharing the port; default 1 */
  processes?: string;
  /** more environment for the api (e.g. MPB__ keys) */
  env?: NodeJS.ProcessEnv;
}): Promise<Gateway> {
  const port = opts.port ?? 4430;
  const adminUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const dbName = `mpb_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  await admin.end();
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const redisPrefix = `bench-${randomBytes(4).toString('hex')}:`;
  const databaseUrl = new URL(adminUrl);
  databaseUrl.pathname = `/${dbName}`;

  const deployment = (id: string, port: number, model: string): object => ({
    id,
    type: 'openai-compatible',
    baseUrl: `http://127.0.0.1:${port}/v1`,
    apiKey: 'bench',
    models: [{ name: model, model: 'bench-model' }],
    timeoutMs: 30_000,
  });
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CONFIG_FILE: '/dev/null',
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    JWT_SECRET: randomBytes(32).toString('hex'),
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: opts.logLevel ?? process.env.BENCH_GATEWAY_LOG_LEVEL ?? 'warn',
    WORKER_HEALTH_PORT: '0',
    // unset for one process: builds older than server.processes refuse the key
    ...(opts.processes && opts.processes !== '1' ? { MPB__server__processes: opts.processes } : {}),
    MPB__providers: JSON.stringify([
      deployment('mock-instant', opts.instantPort, 'bench-instant'),
      deployment('mock-50ms', opts.slowPort, 'bench-50ms'),
      deployment('mock-streaming', opts.streamingPort, 'bench-streaming'),
    ]),
    MPB__auth__bootstrapAdminEmail: ADMIN_EMAIL,
    MPB__auth__bootstrapAdminPassword: ADMIN_PASSWORD,
    ...benchLimits(),
    ...opts.env,
  };
  const url = `http://127.0.0.1:${port}`;
  const dropDatabase = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    await c.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await c.end();
    // and the run's Redis keys: usage batches (no worker drains them here), limiter counters
    await deleteKeys(redisUrl, redisPrefix);
  };
  let api: Started | undefined;
  try {
    // Ready when /health answers: at the bench's log level the "listening" line is not printed.
    api = await startProcess(
      'gateway',
      [
        ...opts.pin,
        process.execPath,
        ...GATEWAY_NODE_OPTIONS,
        ...(opts.nodeArgs ?? []),
        opts.entry ?? process.env.BENCH_GATEWAY_ENTRY ?? 'dist/apps/api/src/main.js',
      ],
      async () => (await fetch(`${url}/health`)).ok,
      env,
    );
    const started = api;
    // a cluster answers once its first process listens: wait for all of them
    if ((opts.processes ?? '1') !== '1')
      await waitFor(() => /api cluster: \d+ processes listening/.test(started.output()));
    const headers = { authorization: `Bearer ${await createApiKey(url)}` };
    return {
      url,
      headers,
      process: started,
      async cleanup() {
        await started.stop();
        await dropDatabase();
      },
    };
  } catch (error) {
    // a gateway that did not start must not leave its database behind
    await api?.stop();
    await dropDatabase();
    throw error;
  }
}

/** Deletes every key under a prefix (SCAN, UNLINK). */
async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1_000);
      if (keys.length) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

async function waitFor(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('the gateway cluster did not start all its processes');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Per-caller limits high enough that the benchmark measures the limiters' cost, not their refusals: requests
 * and tokens are both limited, so every chat request pays the request counter, the token budget read and
 * the token charge, as a limited caller in production does.
 */
function benchLimits(): NodeJS.ProcessEnv {
  const limits = { rpm: 1_000_000_000, tpm: 1_000_000_000_000, tpd: 1_000_000_000_000 };
  return { MPB__auth__limits: JSON.stringify({ admin: limits, user: limits }) };
}

async function createApiKey(url: string): Promise<string> {
  const token = await fetch(`${url}/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  if (!token.ok) throw new Error(`login failed: ${token.status} ${await token.text()}`);
  const { accessToken } = (await token.json()) as { accessToken: string };
  const key = await fetch(`${url}/api-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${accessToken}` },
    body: JSON.stringify({ name: 'bench', scopes: ['chat'] }),
  });
  if (!key.ok) throw new Error(`api key creation failed: ${key.status} ${await key.text()}`);
  const { key: secret } = (await key.json()) as { key: string };
  return secret;
}
