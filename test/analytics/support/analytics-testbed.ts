import type { AppConfig } from '@app/config';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Client } from 'pg';
import { WorkerModule } from '../../../apps/worker/src/worker.module';
import { startApi, type RunningApi } from '../../support/api-harness';
import { bearer, signTestAccessToken } from '../../support/auth';
import { FakeVendorServer } from '../../support/fake-vendors';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../../support/services';
import { TcpProxy } from '../../support/tcp-proxy';
import { testConfig } from '../../support/test-config';

/** USD per million tokens, by public model name. */
export const PRICES = {
  'gpt-4o-mini': { input: 0.15, output: 0.6 },
  'gpt-4o': { input: 2.5, output: 10 },
  'claude-sonnet': { input: 3, output: 15 },
} as const;

/** Created by the api at start-up: for tests that need a real user (API keys). */
export const BOOTSTRAP_ADMIN = { email: 'analytics-admin@example.com', password: 'analytics-admin-pass-0' };

export type PricedModel = keyof typeof PRICES;

export function costOf(model: PricedModel, prompt: number, completion: number): number {
  return (prompt * PRICES[model].input + completion * PRICES[model].output) / 1_000_000;
}

function deployments(fakeUrl: string): Record<string, unknown>[] {
  return [
    {
      id: 'openai-main',
      type: 'openai',
      apiKey: 'sk-test-openai',
      baseUrl: `${fakeUrl}/v1`,
      models: [{ name: 'gpt-4o-mini' }, { name: 'gpt-4o' }],
      priority: 0,
      maxRetries: 0,
      timeoutMs: 5_000,
    },
    {
      id: 'azure-west',
      type: 'azure',
      apiKey: 'az-test-key',
      endpoint: fakeUrl,
      apiVersion: '2024-10-21',
      models: [{ name: 'gpt-4o', model: 'gpt4o-prod' }],
      priority: 1,
      maxRetries: 0,
      timeoutMs: 5_000,
    },
    {
      id: 'anthropic-main',
      type: 'anthropic',
      apiKey: 'sk-ant-test',
      baseUrl: fakeUrl,
      models: [{ name: 'claude-sonnet', model: 'claude-test', maxOutputTokens: 1024 }],
      maxRetries: 0,
      timeoutMs: 5_000,
    },
  ];
}

export interface AnalyticsTestbed {
  fake: FakeVendorServer;
  api: RunningApi;
  /** The worker (writer, retention, task chat) in this process; its PostgreSQL goes through `dbProxy`. */
  worker: INestApplicationContext;
  dbProxy: TcpProxy;
  databaseUrl: string;
  apiConfig: AppConfig;
  adminToken: string;
  /** A direct connection for checks on the raw tables. */
  db: Client;
  /** GET an admin route, parsed. */
  admin<T>(path: string): Promise<T>;
  /** POST /v1/chat/completions as `token`; the whole body is read (streams too). */
  chat(
    token: string,
    body: Record<string, unknown>,
  ): Promise<{ status: number; headers: Headers; text: string }>;
  startAnotherApi(analytics: Record<string, unknown>): Promise<RunningApi>;
  close(): Promise<void>;
}

/**
 * The real api (migrations, auth guard, chat routes, analytics) and the real worker module side by side,
 * one fake vendor server, a fresh database and Redis prefix. The worker writes through a TCP proxy, so a
 * test can take PostgreSQL away from the writer alone.
 */
export async function startAnalyticsTestbed(): Promise<AnalyticsTestbed> {
  const fake = await FakeVendorServer.start();
  const databaseUrl = await createTestDatabase();
  const keyPrefix = uniquePrefix('analytics');
  const { proxy, url: proxiedUrl } = await TcpProxy.forUrl(databaseUrl);
  const configFor = (dbUrl: string, extra: Record<string, unknown> = {}): AppConfig =>
    testConfig({
      databaseUrl: dbUrl,
      redisUrl: testRedisUrl(),
      keyPrefix,
      extra: {
        auth: {
          bootstrapAdminEmail: BOOTSTRAP_ADMIN.email,
          bootstrapAdminPassword: BOOTSTRAP_ADMIN.password,
        },
        providers: deployments(fake.url),
        routing: {
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
          breaker: { failureThreshold: 1_000, minRequests: 1_000 },
        },
        analytics: {
          prices: Object.entries(PRICES).map(([model, p]) => ({
            model,
            inputPerMillion: p.input,
            outputPerMillion: p.output,
          })),
          ingest: { flushIntervalMs: 50 },
          writer: { retryDelayMs: 100, maxRetryDelayMs: 400 },
          ...extra,
        },
      },
    });
  const apiConfig = configFor(databaseUrl);
  const api = await startApi(apiConfig);
  const workerConfig = configFor(proxiedUrl);
  workerConfig.database.migrationsRun = false;
  const worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(workerConfig), {
    logger: false,
    abortOnError: false,
  });
  await worker.init();
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const adminToken = signTestAccessToken({ role: 'admin' });
  const extraApis: RunningApi[] = [];

  return {
    fake,
    api,
    worker,
    dbProxy: proxy,
    databaseUrl,
    apiConfig,
    adminToken,
    db,
    async admin<T>(path: string): Promise<T> {
      const res = await fetch(`${api.url}${path}`, { headers: bearer(adminToken) });
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    },
    async chat(token, body) {
      const res = await fetch(`${api.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { ...bearer(token), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, headers: res.headers, text: await res.text() };
    },
    async startAnotherApi(analytics) {
      const another = await startApi(configFor(databaseUrl, analytics));
      extraApis.push(another);
      return another;
    },
    async close() {
      await api.close();
      await Promise.all(extraApis.map((a) => a.close().catch(() => undefined)));
      await worker.close();
      await proxy.close();
      await db.end();
      await fake.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}

/** Polls until `check` returns true (or throws after `timeoutMs` with the last value seen). */
export async function eventually<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await read();
    if (check(last)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms; last value: ${JSON.stringify(last)}`);
}
