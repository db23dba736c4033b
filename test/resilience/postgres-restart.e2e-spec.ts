import { testRedisUrl, uniquePrefix } from '../support/services';
import { DedicatedPostgres, describeWithBinaries } from './support/dedicated-services';
import { answerOf, errorFormatProblems } from './support/error-format';
import { parseJson, send, type Exchange } from './support/gateway-client';
import {
  chatProbe,
  OutageTimer,
  restartTraffic,
  restartTrafficSummary,
  waitForReadiness,
} from './support/restart-under-traffic';
import {
  chatTaskBody,
  startScenarioBed,
  waitForTasksFinished,
  type ScenarioBed,
} from './support/scenario-bed';
import { sleep, SteadyTraffic, waitFor, type Probe } from './support/traffic';

jest.setTimeout(120_000);

/**
 * PostgreSQL really stops (pg_ctl stop -m fast: every connection dropped) and starts again under traffic.
 * Chat keeps flowing (JWTs need no database; usage events wait in Redis); routes that need the database
 * answer a well-formed 503; afterwards every usage event is in PostgreSQL exactly once and every task
 * finishes.
 */
describeWithBinaries('postgres')('resilience: PostgreSQL restarted during traffic', () => {
  let pg: DedicatedPostgres;
  let bed: ScenarioBed;
  let user: { id: string; token: string };
  let apiKey: string;
  let traffic: SteadyTraffic | undefined;

  beforeAll(async () => {
    pg = await DedicatedPostgres.start();
    bed = await startScenarioBed({
      databaseUrl: pg.url,
      redisUrl: testRedisUrl(),
      keyPrefix: uniquePrefix('pg-restart'),
      workers: 1,
      // API keys are re-read from PostgreSQL on every request, so the outage is on their path.
      sections: { auth: { apiKeyCacheTtlMs: 0 } },
    });
    user = await bed.newUser('pg');
    const key = await send(bed.api.url, 'POST', '/api-keys', {
      token: user.token,
      body: { name: 'pg-outage', scopes: ['chat', 'tasks'] },
    });
    expect(key.status).toBe(201);
    apiKey = parseJson<{ key: string }>(key).key;
  });

  afterAll(async () => {
    traffic?.stop();
    await traffic?.finished();
    await bed?.close();
    pg?.close();
  });

  it('serves chat through the outage, answers 503 where the database is needed, then loses no usage event and no task', async () => {
    bed.fake.setDefault('anthropic', { kind: 'delay', ms: 500 });
    const taskIds: string[] = [];
    const taskProbe = async (i: number): Promise<Probe> => {
      const res = await send(bed.api.url, 'POST', '/tasks', {
        token: user.token,
        body: chatTaskBody(`pg-task-${i}`),
        timeoutMs: 10_000,
      });
      if (res.status === 201) taskIds.push(parseJson<{ id: string }>(res).id);
      return wellFormedOr201(res);
    };
    traffic = restartTraffic({ chat: chatProbe(bed.api.url, user.token, 'pg-chat'), task: taskProbe });
    const outage = new OutageTimer(traffic);

    await sleep(2_000);
    outage.begin();
    pg.stop('fast');
    const stoppedAt = Date.now();
    const notReady = await waitForReadiness(bed.api.url, 503, 3_000, 'readiness to report PostgreSQL down');
    expect(errorFormatProblems(answerOf(notReady))).toEqual([]);
    // Routes that need the database: a quick, well-formed 503 the client may retry, not a 500.
    const dbRoutes: Exchange[] = [
      await send(bed.api.url, 'GET', '/tasks', { token: user.token, timeoutMs: 5_000 }),
      await send(bed.api.url, 'POST', '/tasks', {
        token: user.token,
        body: chatTaskBody('during-outage'),
        timeoutMs: 5_000,
      }),
      await send(bed.api.url, 'GET', '/auth/me', { token: apiKey, timeoutMs: 5_000 }),
      await send(bed.api.url, 'POST', '/auth/token', {
        body: { email: 'nobody@example.com', password: 'whatever-password-1' },
        timeoutMs: 5_000,
      }),
    ];
    const dbRoutesAnsweredInMs = Date.now() - stoppedAt;
    for (const res of dbRoutes) {
      expect({ status: res.status, problems: errorFormatProblems(answerOf(res)), body: res.text }).toEqual({
        status: 503,
        problems: [],
        body: expect.stringContaining('"service_unavailable"'),
      });
      expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    }

    await outage.sleepOut();
    await pg.start();
    const pgBackAt = outage.end();
    await waitForReadiness(bed.api.url, 200, 10_000, 'readiness after the restart');
    const readyAfterMs = Date.now() - pgBackAt;
    const keyBack = await waitFor(
      async () => {
        const res = await send(bed.api.url, 'GET', '/auth/me', { token: apiKey });
        return res.status === 200 ? res : undefined;
      },
      10_000,
      'API keys to work again',
    );
    expect(keyBack.status).toBe(200);
    const apiKeysBackAfterMs = Date.now() - pgBackAt;

    const outcomes = await traffic.finished();
    const db = await bed.connectDb();
    const rows = await waitForTasksFinished(db, taskIds, 30_000);
    const tasksDoneAfterMs = Date.now() - pgBackAt;
    const trafficSummary = restartTrafficSummary(outcomes, outage);
    const okChats = trafficSummary.chat.ok;
    const usageRows = async (): Promise<{ kind: string; n: number }[]> =>
      (
        await db.query<{ kind: string; n: string }>(
          'SELECT kind, count(*) AS n FROM usage_events WHERE user_id = $1 GROUP BY kind',
          [user.id],
        )
      ).rows.map((r) => ({ kind: r.kind, n: Number(r.n) }));
    // A run the outage interrupted after its vendor call is run again: that second call is real usage.
    const expectedTaskEvents = bed.fake.callsFor('anthropic').length;
    const usage = await waitFor(
      async () => {
        const counts = await usageRows();
        const chats = counts.filter((c) => c.kind !== 'task').reduce((n, c) => n + c.n, 0);
        const tasks = counts.find((c) => c.kind === 'task')?.n ?? 0;
        return chats >= okChats && tasks >= expectedTaskEvents ? { chats, tasks } : undefined;
      },
      20_000,
      'every usage event to reach PostgreSQL',
      250,
    );
    const duplicateEvents = await db.query<{ request_id: string }>(
      `SELECT request_id FROM usage_events WHERE user_id = $1 AND kind <> 'task'
       GROUP BY request_id HAVING count(*) > 1`,
      [user.id],
    );
    const summary = {
      ...trafficSummary,
      tasksCreated: taskIds.length,
      taskAnswersDuringOutage: outcomes
        .filter((o) => o.kind === 'task' && outage.includes(o))
        .map((o) => o.status)
        .join(','),
      dbRoutesAnsweredInMs,
      readyAfterMs,
      apiKeysBackAfterMs,
      tasksDoneAfterMs,
      usageEvents: usage,
      okChats,
      taskVendorCalls: expectedTaskEvents,
      taskRunsRepeated: rows.filter((r) => r.attempts > 1).length,
    };
    console.log('postgres restart:', JSON.stringify(summary));

    expect(summary.chat.failures).toEqual({});
    expect(summary.chatDuringOutage.requests).toBeGreaterThan(40);
    // Task creation during the outage was refused with a 503 (never a 500), before and after it accepted.
    expect(summary.tasks.failures).toEqual({});
    expect(rows.filter((r) => r.status !== 'succeeded')).toEqual([]);
    // Exactly once: one event per answered chat request and per vendor call of a task, none twice.
    expect(usage).toEqual({ chats: okChats, tasks: expectedTaskEvents });
    expect(duplicateEvents.rows).toEqual([]);
  });
});

/** A 201, or a well-formed 503 (the database is away): anything else is a failure. */
function wellFormedOr201(res: Exchange): Probe {
  if (res.status === 201) return { ok: true, status: 201 };
  const problems = errorFormatProblems(answerOf(res));
  const ok = res.status === 503 && problems.length === 0;
  return {
    ok,
    status: res.status,
    detail: ok ? 'refused' : `${problems.join('; ')} ${res.text.slice(0, 200)}`,
  };
}
