import { ApiDrain } from '../../apps/api/src/shutdown/api-drain';
import { startApi } from '../support/api-harness';
import { signTestAccessToken } from '../support/auth';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { testConfig } from '../support/test-config';
import { answerOf, errorFormatProblems } from './support/error-format';
import { parseJson, send, streamChat, type StreamOutcome } from './support/gateway-client';
import { CHAT_MODEL, chatTaskBody, startScenarioBed, type ScenarioBed } from './support/scenario-bed';
import { sleep, waitFor } from './support/traffic';

jest.setTimeout(60_000);

const SHUTDOWN_TIMEOUT_MS = 4_000;

/**
 * SIGTERM while streams are open: streams that can finish within the drain do, with [DONE]; longer
 * ones end with one error event before the process's shutdown timeout; so does a JSON call stuck at the
 * vendor and a task's event stream; new requests are refused cleanly; the process exits 0.
 */
describe('resilience: api SIGTERM during streams', () => {
  let databaseUrl: string;
  let bed: ScenarioBed;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    bed = await startScenarioBed({
      databaseUrl,
      redisUrl: testRedisUrl(),
      keyPrefix: uniquePrefix('drain'),
      workers: 0,
      sections: { server: { shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS, streamHeartbeatMs: 500 } },
    });
  });

  afterAll(async () => {
    await bed?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('finishes short streams, ends long ones with an error event within the drain timeout, and exits 0', async () => {
    const user = await bed.newUser('drain');
    const words = (n: number, tag: string): string =>
      Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');
    // No worker: the task stays queued, so its event stream would stay open forever.
    const task = await send(bed.api.url, 'POST', '/tasks', {
      token: user.token,
      body: chatTaskBody('never runs'),
    });
    expect(task.status).toBe(201);
    const taskId = parseJson<{ id: string }>(task).id;

    // 4 streams of ~1 s (5 chunks, 200 ms apart), 4 of ~12 s (40 chunks, 300 ms apart), one JSON call
    // the vendor answers after 20 s.
    for (let i = 0; i < 4; i++)
      bed.fake.enqueue('openai', { kind: 'ok', text: words(5, 'short'), chunkDelayMs: 200 });
    for (let i = 0; i < 4; i++)
      bed.fake.enqueue('openai', { kind: 'ok', text: words(40, 'long'), chunkDelayMs: 300 });
    bed.fake.enqueue('openai', { kind: 'delay', ms: 20_000 });
    const body = (i: number): Record<string, unknown> => ({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: `drain-${i}` }],
    });
    const streams: Promise<StreamOutcome & { endedAtMs: number }>[] = [];
    let sigtermAt = 0;
    const endedAt = <T>(p: Promise<T>): Promise<T & { endedAtMs: number }> =>
      p.then((value) => ({ ...value, endedAtMs: Date.now() - sigtermAt }));
    for (let i = 0; i < 8; i++) {
      streams.push(endedAt(streamChat(bed.api.url, user.token, body(i), { timeoutMs: 15_000 })));
      await bed.fake.waitForCall('openai', i + 1, 5_000);
    }
    const stuckJson = endedAt(
      send(bed.api.url, 'POST', '/v1/chat/completions', {
        token: user.token,
        body: body(99),
        timeoutMs: 15_000,
      }),
    );
    await bed.fake.waitForCall('openai', 9, 5_000);
    const taskEvents = endedAt(
      send(bed.api.url, 'GET', `/tasks/${taskId}/events`, { token: user.token, timeoutMs: 15_000 }),
    );
    await sleep(200);

    const api = bed.api;
    sigtermAt = Date.now();
    api.proc.child.kill('SIGTERM');
    // A request during the drain: refused, in the error format (or the port is already closed).
    await sleep(300);
    const during = await send(api.url, 'GET', '/v1/models', { token: user.token, timeoutMs: 3_000 });
    const exit = await api.proc.exited(SHUTDOWN_TIMEOUT_MS + 3_000);
    const exitedAfterMs = Date.now() - sigtermAt;
    const outcomes = await Promise.all(streams);
    const json = await stuckJson;
    const events = await taskEvents;

    console.log(
      'api SIGTERM drain:',
      JSON.stringify({
        exit,
        exitedAfterMs,
        streams: outcomes.map(
          (o) => `${o.ending}${o.errorEvent ? `:${o.errorEvent.error.code}` : ''}@${o.endedAtMs}ms`,
        ),
        stuckJson: `${json.status}@${json.endedAtMs}ms`,
        taskEvents: `${events.status}@${events.endedAtMs}ms`,
        requestDuringDrain: during.status,
      }),
    );
    expect(exit).toEqual({ code: 0, signal: null });
    expect(exitedAfterMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // Short streams were let finish.
    expect(outcomes.slice(0, 4).map((o) => o.ending)).toEqual(['done', 'done', 'done', 'done']);
    // Long streams ended with one well-formed error event, before the shutdown timeout.
    for (const o of outcomes.slice(4)) {
      expect(o.ending).toBe('error');
      expect(o.errorEvent?.error).toMatchObject({ code: 'service_unavailable' });
      expect(o.errorEvent?.error.requestId).toBe(o.headers.get('x-request-id'));
      expect(o.endedAtMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    }
    // The JSON call stuck at the vendor: a 503 the client can retry elsewhere.
    expect(json.status).toBe(503);
    expect(errorFormatProblems(answerOf(json))).toEqual([]);
    expect(json.endedAtMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // The task's event stream was ended with an error event too.
    expect(events.status).toBe(200);
    expect(events.text).toMatch(/event: error\ndata: \{"error":\{"code":"service_unavailable"/);
    expect(events.endedAtMs).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    // New work during the drain: a refused connection, or a well-formed 503.
    if (during.status !== 0) {
      expect(during.status).toBe(503);
      expect(errorFormatProblems(answerOf(during))).toEqual([]);
    }
    // The upstream calls of the cut streams were aborted, not left running.
    await waitFor(
      () =>
        bed.fake
          .callsFor('openai')
          .slice(4, 9)
          .every((call) => call.aborted),
      2_000,
      'the vendor to see the cut calls aborted',
    );
  });

  it('a request arriving on an open connection during the drain is refused in the error format', async () => {
    const otherDatabase = await createTestDatabase();
    const inProcess = await startApi(
      testConfig({
        databaseUrl: otherDatabase,
        redisUrl: testRedisUrl(),
        keyPrefix: uniquePrefix('drain-hook'),
      }),
    );
    try {
      // What SIGTERM (app.close()) does first: the drain begins while Fastify still listens.
      inProcess.app.get(ApiDrain).onModuleDestroy();
      const token = signTestAccessToken();
      for (const path of ['/v1/models', '/health/ready']) {
        const res = await send(inProcess.url, 'GET', path, { token });
        expect(res.status).toBe(503);
        expect(errorFormatProblems(answerOf(res))).toEqual([]);
        expect(res.text).toContain('shutting down');
        expect(res.headers.get('connection')).toBe('close');
        expect(res.headers.get('retry-after')).toBe('1');
      }
    } finally {
      await inProcess.close();
      await dropTestDatabase(otherDatabase);
    }
  });
});
