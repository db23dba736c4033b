import type { AppConfig } from '@app/config';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { WorkerModule } from '../../apps/worker/src/worker.module';
import { fakeDeployments, MODELS } from '../chat/support/chat-testbed';
import { startApi, type RunningApi } from '../support/api-harness';
import { signTestAccessToken } from '../support/auth';
import { FakeVendorServer } from '../support/fake-vendors';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { TcpProxy } from '../support/tcp-proxy';
import { testConfig } from '../support/test-config';
import { answerOf, errorFormatProblems } from './support/error-format';
import { parseJson, send, streamChat, type Exchange } from './support/gateway-client';
import { waitFor } from './support/traffic';

jest.setTimeout(60_000);

const TIMEOUTS = { databaseQueryMs: 1_000, redisMs: 1_000, vendorMs: 500, webhookMs: 500 };

/** Time an exchange. */
async function timed(run: () => Promise<Exchange>): Promise<Exchange & { ms: number }> {
  const started = Date.now();
  const exchange = await run();
  return { ...exchange, ms: Date.now() - started };
}

/**
 * Every outbound call has a bound: PostgreSQL and Redis that accept connections and then never answer
 * (a hung server, a partition without resets), a vendor that stops mid-answer, a webhook receiver that
 * never replies. Each request ends within its bound, as a well-formed answer.
 */
describe('resilience: timeouts on every outbound call', () => {
  let fake: FakeVendorServer;
  let databaseUrl: string;
  let pg: { proxy: TcpProxy; url: string };
  let redis: { proxy: TcpProxy; url: string };
  let api: RunningApi;
  let worker: INestApplicationContext;
  let hangingReceiver: Server;
  let receiverUrl: string;
  const held = new Set<Socket>();
  let token: string;
  const measured: Record<string, string> = {};

  beforeAll(async () => {
    fake = await FakeVendorServer.start();
    databaseUrl = await createTestDatabase();
    pg = await TcpProxy.forUrl(databaseUrl);
    redis = await TcpProxy.forUrl(testRedisUrl());
    const keyPrefix = uniquePrefix('timeouts');
    const config = (): AppConfig =>
      testConfig({
        databaseUrl: pg.url,
        redisUrl: redis.url,
        keyPrefix,
        extra: {
          database: { queryTimeoutMs: TIMEOUTS.databaseQueryMs, connectTimeoutMs: 1_000 },
          redis: { connectTimeoutMs: TIMEOUTS.redisMs },
          providers: fakeDeployments(fake.url).map((d) => ({ ...d, timeoutMs: TIMEOUTS.vendorMs })),
          routing: { retry: { maxAttempts: 1 }, breaker: { failureThreshold: 1_000, minRequests: 1_000 } },
          auth: { limits: { user: { rpm: 100_000, tpm: 0, tpd: 0 } } },
          tasks: {
            healthPort: 0,
            webhooks: {
              allowPrivate: false,
              allowedHosts: ['127.0.0.1'],
              timeoutMs: TIMEOUTS.webhookMs,
              backoffMs: 100,
            },
          },
        },
      });
    api = await startApi(config());
    const workerConfig = config();
    workerConfig.database.migrationsRun = false;
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(workerConfig), {
      logger: false,
      abortOnError: false,
    });
    await worker.init();
    // A webhook receiver that reads the request and never answers.
    hangingReceiver = createServer(() => undefined);
    hangingReceiver.on('connection', (socket: Socket) => {
      held.add(socket);
      socket.on('close', () => held.delete(socket));
    });
    await new Promise<void>((resolve) => hangingReceiver.listen(0, '127.0.0.1', resolve));
    receiverUrl = `http://127.0.0.1:${(hangingReceiver.address() as AddressInfo).port}/hook`;
    const user = await send(api.url, 'POST', '/users', {
      token: signTestAccessToken({ role: 'admin' }),
      body: { email: 'timeouts@example.com', password: 'Timeouts-password-1' },
    });
    token = signTestAccessToken({
      userId: parseJson<{ id: string }>(user).id,
      limits: { rpm: 100_000, tpm: 0, tpd: 0 },
    });
  });

  afterAll(async () => {
    console.log(`timeouts: ${JSON.stringify(measured)}`);
    pg?.proxy.restore();
    redis?.proxy.restore();
    await worker?.close();
    await api?.close();
    for (const socket of held) socket.destroy();
    await new Promise<void>((resolve) =>
      hangingReceiver ? hangingReceiver.close(() => resolve()) : resolve(),
    );
    await pg?.proxy.close();
    await redis?.proxy.close();
    await fake?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  const chatBody = { model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }] };

  it('PostgreSQL that hangs: database routes answer 503 within the query timeout; chat is unaffected', async () => {
    expect((await send(api.url, 'GET', '/tasks', { token })).status).toBe(200);
    pg.proxy.stall();
    try {
      const tasks = await timed(() => send(api.url, 'GET', '/tasks', { token, timeoutMs: 10_000 }));
      const signIn = await timed(() =>
        send(api.url, 'POST', '/auth/token', {
          body: { email: 'timeouts@example.com', password: 'x-password-123' },
          timeoutMs: 10_000,
        }),
      );
      const ready = await timed(() => send(api.url, 'GET', '/health/ready', { timeoutMs: 10_000 }));
      const chat = await timed(() =>
        send(api.url, 'POST', '/v1/chat/completions', { token, body: chatBody, timeoutMs: 10_000 }),
      );
      Object.assign(measured, {
        pgHungTasksMs: tasks.ms,
        pgHungSignInMs: signIn.ms,
        pgHungReadyMs: ready.ms,
        pgHungChatMs: chat.ms,
      });
      for (const res of [tasks, signIn, ready]) {
        expect(res.status).toBe(503);
        expect(errorFormatProblems(answerOf(res))).toEqual([]);
        expect(res.ms).toBeLessThan(TIMEOUTS.databaseQueryMs * 3 + 500);
      }
      expect(chat.status).toBe(200);
    } finally {
      pg.proxy.restore();
    }
    const back = await timed(() =>
      waitFor(
        async () => {
          const res = await send(api.url, 'GET', '/tasks', { token });
          return res.status === 200 ? res : undefined;
        },
        10_000,
        'database routes to recover',
      ),
    );
    measured.pgRecoveredMs = String(back.ms);
  });

  it('Redis that hangs: chat fails open within the command timeout, sign-in and tasks answer in bounded time', async () => {
    redis.proxy.stall();
    try {
      const chat = await timed(() =>
        send(api.url, 'POST', '/v1/chat/completions', { token, body: chatBody, timeoutMs: 10_000 }),
      );
      const task = await timed(() =>
        send(api.url, 'POST', '/tasks', {
          token,
          body: { type: 'chat', input: chatBody },
          timeoutMs: 10_000,
        }),
      );
      const signIn = await timed(() =>
        send(api.url, 'POST', '/auth/token', {
          body: { email: 'timeouts@example.com', password: 'x-password-123' },
          timeoutMs: 10_000,
        }),
      );
      const ready = await timed(() => send(api.url, 'GET', '/health/ready', { timeoutMs: 10_000 }));
      Object.assign(measured, {
        redisHungChatMs: chat.ms,
        redisHungTaskMs: task.ms,
        redisHungSignInMs: signIn.ms,
        redisHungReadyMs: ready.ms,
      });
      expect(chat.status).toBe(200);
      expect(task.status).toBe(201); // the row is written; the reconciler enqueues the job later
      expect(signIn.status).toBe(503);
      expect(ready.status).toBe(503);
      for (const res of [chat, task, signIn, ready]) expect(res.ms).toBeLessThan(TIMEOUTS.redisMs * 3 + 500);
      for (const res of [signIn, ready]) expect(errorFormatProblems(answerOf(res))).toEqual([]);
    } finally {
      redis.proxy.restore();
    }
    await waitFor(
      async () => (await send(api.url, 'GET', '/health/ready')).status === 200,
      10_000,
      'readiness',
    );
  });

  it('a vendor that stops answering: JSON ends 503/504 and a stalled stream ends with an error event, within the vendor timeout', async () => {
    fake.reset();
    fake.enqueue('openai', { kind: 'delay', ms: 30_000 });
    const json = await timed(() =>
      send(api.url, 'POST', '/v1/chat/completions', { token, body: chatBody, timeoutMs: 10_000 }),
    );
    expect([503, 504]).toContain(json.status);
    expect(errorFormatProblems(answerOf(json))).toEqual([]);
    fake.enqueue('openai', { kind: 'ok', text: 'first then nothing', chunkDelayMs: 30_000 });
    const startedAt = Date.now();
    const stream = await streamChat(api.url, token, chatBody, { timeoutMs: 10_000 });
    const streamMs = Date.now() - startedAt;
    Object.assign(measured, { vendorHungJsonMs: json.ms, vendorStalledStreamMs: streamMs });
    expect(json.ms).toBeLessThan(TIMEOUTS.vendorMs * 3 + 500);
    expect(stream.status).toBe(200);
    expect(stream.ending).toBe('error');
    expect(streamMs).toBeLessThan(TIMEOUTS.vendorMs * 3 + 500);
  });

  it('a webhook receiver that never answers: each delivery attempt is cut at the webhook timeout and retried', async () => {
    fake.reset();
    const created = await send(api.url, 'POST', '/tasks', {
      token,
      body: { type: 'chat', input: chatBody, webhookUrl: receiverUrl },
    });
    expect(created.status).toBe(201);
    const id = parseJson<{ id: string }>(created).id;
    const view = await waitFor(
      async () => {
        const res = parseJson<{ webhook: { attempts: number; lastError: string | null } }>(
          await send(api.url, 'GET', `/tasks/${id}`, { token }),
        );
        return res.webhook.attempts >= 2 && res.webhook.lastError ? res : undefined;
      },
      10_000,
      'two timed-out delivery attempts',
      100,
    );
    measured.webhookLastError = String(view.webhook.lastError);
    expect(view.webhook.lastError).toMatch(/time|abort/i);
  });
});
