import { createTestDatabase, dropTestDatabase, uniquePrefix } from '../support/services';
import { DedicatedRedis, describeWithBinaries } from './support/dedicated-services';
import { answerOf, errorFormatProblems } from './support/error-format';
import { parseJson, send } from './support/gateway-client';
import { killAll, spawnApi, type ApiProcess } from './support/gateway-processes';
import {
  chatProbe,
  OutageTimer,
  restartTraffic,
  restartTrafficSummary,
  waitForReadiness,
} from './support/restart-under-traffic';
import {
  CHAT_MODEL,
  chatTaskBody,
  startScenarioBed,
  waitForTasksFinished,
  type ScenarioBed,
} from './support/scenario-bed';
import { sleep, SteadyTraffic, waitFor, type Probe } from './support/traffic';

jest.setTimeout(120_000);

/**
 * Redis really goes away (SIGKILL) and comes back empty (no persistence), under traffic, with an api
 * that fails open (the default), one that fails closed, and two workers. Nothing may be lost: tasks whose
 * jobs died with Redis, or that were created while it was down, are re-enqueued from PostgreSQL.
 */
describeWithBinaries('redis')('resilience: Redis restarted during traffic', () => {
  let redis: DedicatedRedis;
  let databaseUrl: string;
  let bed: ScenarioBed;
  let failClosed: ApiProcess;
  let user: { id: string; token: string };
  let traffic: SteadyTraffic | undefined;

  beforeAll(async () => {
    redis = await DedicatedRedis.start();
    databaseUrl = await createTestDatabase();
    bed = await startScenarioBed({
      databaseUrl,
      redisUrl: redis.url,
      keyPrefix: uniquePrefix('redis-restart'),
      workers: 2,
      // 2 × 2 slots for tasks of 1 s: a burst leaves waiting jobs in Redis when it dies.
      sections: { tasks: { concurrency: 2 } },
    });
    failClosed = await spawnApi({ ...bed.env, MPB__auth__limits: JSON.stringify({ failOpen: false }) });
    // Limits on (high), so the Redis-backed throttle and token budget are on every request's path.
    user = await bed.newUser('redis', { rpm: 1_000_000, tpm: 1_000_000_000, tpd: 0 });
    await bed.connectDb();
  });

  afterAll(async () => {
    traffic?.stop();
    await traffic?.finished();
    if (failClosed) await killAll([failClosed.proc]);
    await bed?.close();
    await redis?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  it('keeps answering chat (fail-open), refuses cleanly (fail-closed), recovers without restarts and loses no task', async () => {
    // Tasks take 1 s at the vendor, so some are running and more are waiting when Redis dies.
    bed.fake.setDefault('anthropic', { kind: 'delay', ms: 1_000 });
    const taskIds: string[] = [];
    const taskPrompts: string[] = [];
    const created: { id: string; at: number }[] = [];
    const taskProbe = async (i: number, startedAt: number): Promise<Probe> => {
      const res = await send(bed.api.url, 'POST', '/tasks', {
        token: user.token,
        body: chatTaskBody(`redis-task-${i}`),
        timeoutMs: 10_000,
      });
      if (res.status === 201) {
        const { id } = parseJson<{ id: string }>(res);
        taskIds.push(id);
        taskPrompts.push(`redis-task-${i}`);
        created.push({ id, at: Date.now() - startedAt });
      }
      return {
        ok: res.status === 201,
        status: res.status,
        detail: res.status === 201 ? undefined : res.text,
      };
    };

    const startedAt = Date.now();
    traffic = restartTraffic({
      chat: chatProbe(bed.api.url, user.token, 'redis-chat'),
      task: (i) => taskProbe(i, startedAt),
    });
    const outage = new OutageTimer(traffic);

    await sleep(1_500);
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => taskProbe(1_000 + i, startedAt)));
    expect(burst.filter((probe) => !probe.ok)).toEqual([]);
    await sleep(Math.max(0, 2_000 - traffic.elapsedMs()));
    await redis.stop();
    outage.begin();
    // While Redis is down: readiness says so (well-formed 503); the fail-closed api refuses quickly.
    const notReady = await waitForReadiness(bed.api.url, 503, 3_000, 'readiness to report Redis down');
    expect(errorFormatProblems(answerOf(notReady))).toEqual([]);
    expect(notReady.text).toContain('redis');
    const closedStarted = Date.now();
    const refused = await send(failClosed.url, 'POST', '/v1/chat/completions', {
      token: user.token,
      body: { model: CHAT_MODEL, messages: [{ role: 'user', content: 'closed' }] },
      timeoutMs: 5_000,
    });
    const refusedInMs = Date.now() - closedStarted;
    expect(refused.status).toBe(503);
    expect(errorFormatProblems(answerOf(refused))).toEqual([]);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);

    await outage.sleepOut();
    await redis.start();
    const redisBackAt = outage.end();
    await waitForReadiness(bed.api.url, 200, 10_000, 'api readiness after the restart');
    const readyAfterMs = Date.now() - redisBackAt;
    const closedBack = await waitFor(
      async () => {
        const res = await send(failClosed.url, 'POST', '/v1/chat/completions', {
          token: user.token,
          body: { model: CHAT_MODEL, messages: [{ role: 'user', content: 'closed again' }] },
        });
        return res.status === 200 ? res : undefined;
      },
      10_000,
      'the fail-closed api to serve again',
    );
    const failClosedBackAfterMs = Date.now() - redisBackAt;
    expect(closedBack.status).toBe(200);

    const outcomes = await traffic.finished();
    const rows = await waitForTasksFinished(bed.db!, taskIds, 30_000);
    const allDoneAfterMs = Date.now() - redisBackAt;

    const summary = {
      ...restartTrafficSummary(outcomes, outage),
      tasksCreated: taskIds.length,
      tasksCreatedDuringOutage: created.filter(outage.includes).length,
      refusedFailClosedInMs: refusedInMs,
      readyAfterMs,
      failClosedBackAfterMs,
      allTasksDoneAfterMs: allDoneAfterMs,
      tasksWithOtherThanOneCall: taskPrompts
        .map((prompt) => ({ prompt, calls: bed.callsFor(prompt).length }))
        .filter((t) => t.calls !== 1),
      reEnqueued: bed.workers.reduce(
        (n, w) => n + (w.output().match(/task had no live job; enqueued/g) ?? []).length,
        0,
      ),
    };
    console.log('redis restart:', JSON.stringify(summary));

    // The fail-open api answered every chat request, during the outage too.
    expect(summary.chat.failures).toEqual({});
    expect(summary.chatDuringOutage.requests).toBeGreaterThan(40);
    expect(summary.tasksCreated).toBeGreaterThan(20);
    // Every POST /tasks was accepted (the row is the truth; the job is added later if Redis is away)...
    expect(summary.tasks.failures).toEqual({});
    expect(summary.tasksCreatedDuringOutage).toBeGreaterThan(3);
    // ...and every task finished: none lost, none run twice (one vendor call and one attempt each).
    expect(rows.filter((r) => r.status !== 'succeeded')).toEqual([]);
    expect(summary.tasksWithOtherThanOneCall).toEqual([]);
    expect(rows.filter((r) => r.attempts !== 1).map((r) => r.attempts)).toEqual([]);
    expect(summary.reEnqueued).toBeGreaterThan(0);
    expect(summary.readyAfterMs).toBeLessThan(5_000);
  });
});
