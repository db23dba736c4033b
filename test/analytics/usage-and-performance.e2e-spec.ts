import {
  performanceRollupTable,
  rebuildRollups,
  ROLLUP_PERIODS,
  USAGE_CUBES,
  usageRollupTable,
  type PerformanceReport,
  type UsageReport,
} from '@app/analytics';
import { typeormOptions } from '@app/database';
import { DataSource } from 'typeorm';
import { UsersService } from '@app/auth';
import { randomUUID } from 'node:crypto';
import { signTestAccessToken } from '../support/auth';
import {
  costOf,
  eventually,
  startAnalyticsTestbed,
  type AnalyticsTestbed,
} from './support/analytics-testbed';

/**
 * A scripted mix through the real api and worker (successes, a fallback, an error, a cache hit, a
 * stream, a task), then the exact counts, tokens and costs the analytics endpoints must report.
 */
describe('analytics: usage and performance of a scripted mix', () => {
  let bed: AnalyticsTestbed;
  const unlimited = { rpm: 0, tpm: 0, tpd: 0 };
  const userA = randomUUID();
  const tokenA = signTestAccessToken({ userId: userA, limits: unlimited });
  /** A real user: tasks belong to a users row. */
  let userB: string;
  let tokenB: string;
  const range = () => {
    const now = Date.now();
    return `from=${new Date(now - 3_600_000).toISOString()}&to=${new Date(now + 3_600_000).toISOString()}`;
  };

  beforeAll(async () => {
    bed = await startAnalyticsTestbed();
    userB = (
      await bed.api.app
        .get(UsersService)
        .create({ email: 'b@example.com', password: 'user-b-password-0', role: 'user' })
    ).id;
    tokenB = signTestAccessToken({ userId: userB, limits: unlimited });
    const ok = (input: number, output: number) => ({ kind: 'ok' as const, usage: { input, output } });
    const { fake } = bed;

    // A1: served by OpenAI; deterministic, so stored in the cache
    fake.enqueue('openai', ok(100, 20));
    const a1 = await bed.chat(tokenA, {
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [{ role: 'user', content: 'cache me' }],
    });
    expect(a1.status).toBe(200);
    // A2: plain success
    fake.enqueue('openai', ok(200, 40));
    expect(
      (await bed.chat(tokenA, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'plain' }] }))
        .status,
    ).toBe(200);
    // A3: OpenAI 503, fallback to Azure
    fake.enqueue('openai', { kind: 'status', status: 503, message: 'overloaded' });
    fake.enqueue('azure', ok(50, 10));
    const a3 = await bed.chat(tokenA, {
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'fall back' }],
    });
    expect(a3.status).toBe(200);
    expect(a3.headers.get('x-gateway-deployment')).toBe('azure-west');
    // A4: A1 again, from the cache (its store is off the request path: give it a moment)
    await new Promise((resolve) => setTimeout(resolve, 300));
    const a4 = await bed.chat(tokenA, {
      model: 'gpt-4o-mini',
      temperature: 0,
      messages: [{ role: 'user', content: 'cache me' }],
    });
    expect(a4.headers.get('x-gateway-cache')).toBe('hit');
    // B1: a stream from Anthropic
    fake.enqueue('anthropic', ok(30, 7));
    const b1 = await bed.chat(tokenB, {
      model: 'claude-sonnet',
      stream: true,
      messages: [{ role: 'user', content: 'stream it' }],
    });
    expect(b1.text).toContain('[DONE]');
    // B2: the only deployment for the model fails: an error
    fake.enqueue('openai', { kind: 'status', status: 503, message: 'down' });
    expect(
      (await bed.chat(tokenB, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'fail' }] }))
        .status,
    ).toBe(503);
    // T: a chat task, created through the api and run by the worker
    fake.enqueue('openai', ok(40, 8));
    const created = await fetch(`${bed.api.url}/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${tokenB}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'chat',
        input: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'task' }] },
      }),
    });
    expect(created.status).toBe(201);
    const { id: taskId } = (await created.json()) as { id: string };
    await eventually(
      async () =>
        (await (
          await fetch(`${bed.api.url}/tasks/${taskId}`, { headers: { authorization: `Bearer ${tokenB}` } })
        ).json()) as { status: string },
      (task) => task.status === 'succeeded',
    );

    await eventually(
      () => bed.admin<UsageReport>(`/analytics/usage?${range()}`),
      (report) => report.totals.requests >= 7,
    );
  });

  afterAll(() => bed?.close());

  it('reports exact totals', async () => {
    const report = await bed.admin<UsageReport>(`/analytics/usage?${range()}`);
    expect(report.totals).toEqual({
      requests: 7,
      errors: 1,
      cacheHits: 1,
      promptTokens: 100 + 200 + 50 + 100 + 30 + 0 + 40,
      completionTokens: 20 + 40 + 10 + 20 + 7 + 0 + 8,
      totalTokens: 520 + 105,
      costUsd: expect.closeTo(
        costOf('gpt-4o-mini', 100, 20) +
          costOf('gpt-4o-mini', 200, 40) +
          costOf('gpt-4o', 50, 10) +
          costOf('claude-sonnet', 30, 7) +
          costOf('gpt-4o-mini', 40, 8),
        12,
      ),
    });
  });

  it('groups by user, provider, model and route', async () => {
    const byUser = await bed.admin<UsageReport>(`/analytics/usage?${range()}&groupBy=user`);
    const users = Object.fromEntries(byUser.groups!.map((g) => [String(g.key), g]));
    expect(users[userA]).toMatchObject({
      requests: 4,
      errors: 0,
      cacheHits: 1,
      promptTokens: 450,
      completionTokens: 90,
    });
    expect(users[userA].costUsd).toBeCloseTo(
      costOf('gpt-4o-mini', 100, 20) + costOf('gpt-4o-mini', 200, 40) + costOf('gpt-4o', 50, 10),
      12,
    );
    expect(users[userB]).toMatchObject({
      requests: 3,
      errors: 1,
      cacheHits: 0,
      promptTokens: 70,
      completionTokens: 15,
    });

    const byProvider = await bed.admin<UsageReport>(`/analytics/usage?${range()}&groupBy=provider`);
    expect(Object.fromEntries(byProvider.groups!.map((g) => [String(g.key), g.requests]))).toEqual({
      openai: 4, // A1, A2, the cache hit (served by OpenAI originally), the task
      azure: 1,
      anthropic: 1,
      null: 1, // the error: nothing served
    });

    const byModel = await bed.admin<UsageReport>(`/analytics/usage?${range()}&groupBy=model&provider=openai`);
    expect(byModel.groups!.map((g) => [g.key, g.requests, g.promptTokens])).toEqual([
      ['gpt-4o-mini', 4, 440],
    ]);

    const byRoute = await bed.admin<UsageReport>(`/analytics/usage?${range()}&groupBy=route`);
    const routes: Record<string, number> = Object.fromEntries(
      byRoute.groups!.map((g) => [String(g.key), g.requests]),
    );
    expect(routes).toEqual({ 'POST /v1/chat/completions': 6, task: 1 });
  });

  it('returns hourly and daily series that add up to the totals', async () => {
    for (const granularity of ['hour', 'day']) {
      const report = await bed.admin<UsageReport>(`/analytics/usage?${range()}&granularity=${granularity}`);
      expect(report.series!.reduce((sum, point) => sum + point.requests, 0)).toBe(7);
      expect(report.series!.reduce((sum, point) => sum + point.promptTokens, 0)).toBe(520);
    }
    const perUser = await bed.admin<UsageReport>(
      `/analytics/usage?${range()}&granularity=hour&groupBy=user&userId=${userB}`,
    );
    expect(perUser.series!.every((p) => p.key === userB)).toBe(true);
    expect(perUser.series!.reduce((sum, p) => sum + p.requests, 0)).toBe(3);
  });

  it('reports performance per deployment: requests, errors, fallbacks, cache hits, upstream attempts', async () => {
    const report = await bed.admin<PerformanceReport>(`/analytics/performance?${range()}&groupBy=deployment`);
    const rows = Object.fromEntries(report.rows.map((r) => [String(r.deployment), r]));
    expect(rows['openai-main']).toMatchObject({
      provider: 'openai',
      requests: 5, // A1, A2, A4 (cache), T, and B2 which failed there
      errors: 1,
      errorRate: 0.2,
      fallbacks: 0,
      cacheHits: 1,
      cacheHitRate: 0.2,
      upstream: { attempts: 5, failedAttempts: 2, errorRate: 0.4 }, // A1, A2, A3's 503, B2's 503, T
    });
    expect(rows['azure-west']).toMatchObject({
      provider: 'azure',
      requests: 1,
      fallbacks: 1,
      fallbackRate: 1,
      upstream: { attempts: 1, failedAttempts: 0 },
    });
    expect(rows['anthropic-main']).toMatchObject({ requests: 1, upstream: { attempts: 1 } });
    expect(rows['anthropic-main'].ttftMs.p50).not.toBeNull();
    expect(rows['openai-main'].ttftMs.p50).toBeNull(); // no streams there
    for (const row of Object.values(rows)) {
      expect(row.latencyMs.p50).toEqual(expect.any(Number));
      expect(row.latencyMs.p50!).toBeLessThanOrEqual(row.latencyMs.p95!);
      expect(row.latencyMs.p95!).toBeLessThanOrEqual(row.latencyMs.p99!);
      expect(row.upstream.latencyMs.p99).toEqual(expect.any(Number));
    }
  });

  it('reports performance per model and provider', async () => {
    const byModel = await bed.admin<PerformanceReport>(`/analytics/performance?${range()}&groupBy=model`);
    const models = Object.fromEntries(byModel.rows.map((r) => [String(r.model), r]));
    // attempts resolve to public models through the catalog: A3's failed OpenAI call was for gpt-4o
    expect(models['gpt-4o']).toMatchObject({
      requests: 1,
      fallbacks: 1,
      upstream: { attempts: 2, failedAttempts: 1 },
    });
    expect(models['gpt-4o-mini']).toMatchObject({
      requests: 5,
      cacheHits: 1,
      upstream: { attempts: 4, failedAttempts: 1 },
    });
    const byProvider = await bed.admin<PerformanceReport>(
      `/analytics/performance?${range()}&groupBy=provider&provider=azure`,
    );
    expect(byProvider.rows).toHaveLength(1);
    expect(byProvider.rows[0]).toMatchObject({ provider: 'azure', requests: 1 });
  });

  it('keeps each request and attempt once in the raw tables', async () => {
    const { rows } = await bed.db.query<{ events: string; attempts: string; kinds: string[] }>(
      `SELECT (SELECT count(*) FROM usage_events) AS events, (SELECT count(*) FROM usage_attempts) AS attempts,
              (SELECT array_agg(DISTINCT kind ORDER BY kind) FROM usage_events) AS kinds`,
    );
    expect(rows[0]).toEqual({ events: '7', attempts: '7', kinds: ['chat', 'stream', 'task'] });
  });

  it('keeps rollups equal to a rebuild from the raw rows', async () => {
    const tables = ROLLUP_PERIODS.flatMap((period) => [
      ...USAGE_CUBES.map((cube) => ({
        name: usageRollupTable(cube, period.name),
        keys: 1 + cube.dimensions.length,
      })),
      { name: performanceRollupTable(period.name), keys: 4 },
    ]);
    const snapshot = async () => {
      const result: Record<string, unknown[]> = {};
      for (const { name, keys } of tables) {
        const order = Array.from({ length: keys }, (_, i) => i + 1).join(', ');
        result[name] = (await bed.db.query(`SELECT * FROM ${name} ORDER BY ${order}`)).rows;
      }
      return result;
    };
    const incremental = await snapshot();
    expect(Object.values(incremental).every((rows) => rows.length > 0)).toBe(true);
    const dataSource = new DataSource(typeormOptions(bed.apiConfig.database));
    await dataSource.initialize();
    try {
      const today = Math.floor(Date.now() / 86_400_000) * 86_400_000;
      await rebuildRollups(dataSource, { from: today - 86_400_000, to: today + 2 * 86_400_000 });
    } finally {
      await dataSource.destroy();
    }
    expect(await snapshot()).toEqual(incremental);
  });

  it('rejects an invalid query with 400', async () => {
    for (const query of [
      'groupBy=password',
      'granularity=minute',
      'from=yesterday',
      `from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      'userId=',
    ]) {
      const res = await fetch(`${bed.api.url}/analytics/usage?${query}`, {
        headers: { authorization: `Bearer ${bed.adminToken}` },
      });
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
  });
});
