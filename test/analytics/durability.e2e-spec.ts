import {
  USAGE_MAINTENANCE_QUEUE,
  USAGE_QUEUE,
  UsageBatchProducer,
  UsageBatchWriter,
  type UsageEvent,
  type UsageReport,
} from '@app/analytics';
import { typeormOptions } from '@app/database';
import { createQueue } from '@app/redis';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { UsageRetentionJob } from '../../apps/worker/src/analytics/usage-retention.job';
import { signTestAccessToken } from '../support/auth';
import { eventually, startAnalyticsTestbed, type AnalyticsTestbed } from './support/analytics-testbed';

/** A served chat request as the writer receives it. */
const usageEventOf = (user: string, i: number, occurredAt = Date.now()): UsageEvent => ({
  id: randomUUID(),
  occurredAt,
  requestId: `scripted-${i}`,
  kind: 'chat',
  userId: user,
  apiKeyId: null,
  route: 'chat',
  modelGroup: 'gpt-4o-mini',
  provider: 'openai',
  deploymentId: 'openai-main',
  model: 'gpt-4o-mini',
  outcome: 'ok',
  status: 200,
  errorCode: null,
  promptTokens: 7,
  completionTokens: 3,
  costUsd: 0.0000029,
  latencyMs: 12,
  ttftMs: null,
  attempts: [
    {
      deploymentId: 'openai-main',
      provider: 'openai',
      model: 'gpt-4o-mini',
      vendorModel: 'gpt-4o-mini',
      ok: true,
      errorCode: null,
      status: null,
      latencyMs: 11,
      ttftMs: null,
    },
  ],
  fallbacks: 0,
  cacheHit: false,
  streamAborted: false,
});

/** Events survive PostgreSQL going away, are written exactly once, and a stopping api loses none. */
describe('analytics: durability', () => {
  let bed: AnalyticsTestbed;

  beforeAll(async () => {
    bed = await startAnalyticsTestbed();
  });
  afterAll(() => bed?.close());

  const usageOf = (userId: string) =>
    bed.admin<UsageReport>(
      `/analytics/usage?userId=${userId}&from=${new Date(Date.now() - 3_600_000).toISOString()}&to=${new Date(Date.now() + 3_600_000).toISOString()}`,
    );

  async function rawCount(userId: string): Promise<number> {
    const { rows } = await bed.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM usage_events WHERE user_id = $1`,
      [userId],
    );
    return Number(rows[0].n);
  }

  async function traffic(token: string, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      bed.fake.enqueue('openai', { kind: 'ok', usage: { input: 10, output: 2 } });
      const res = await bed.chat(token, {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: `n${i}` }],
      });
      expect(res.status).toBe(200);
    }
  }

  it('keeps events in Redis while PostgreSQL is cut off from the writer, and writes each once afterwards', async () => {
    const user = randomUUID();
    const token = signTestAccessToken({ userId: user, limits: { rpm: 0, tpm: 0, tpd: 0 } });
    const queue = bed.worker.get(UsageBatchProducer).queue;

    await traffic(token, 5);
    bed.dbProxy.cut();
    await traffic(token, 10);
    // the api pushed them to Redis; the writer cannot commit, so they wait there
    await eventually(
      () => queue.getJobCounts('waiting', 'active', 'delayed'),
      (counts) => counts.waiting + counts.active + counts.delayed > 0,
    );
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await rawCount(user)).toBeLessThan(15);
    bed.dbProxy.restore();
    await traffic(token, 5);

    const report = await eventually(
      () => usageOf(user),
      (r) => r.totals.requests >= 20,
      20_000,
    );
    expect(report.totals).toMatchObject({ requests: 20, promptTokens: 200, completionTokens: 40 });
    expect(await rawCount(user)).toBe(20);
    await eventually(
      () => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'),
      (c) => c.waiting + c.active + c.delayed + c.failed === 0,
    );
    expect(queue.name).toBe(USAGE_QUEUE);
  });

  it('writes a batch delivered twice (crash before the ack) only once, rollups included', async () => {
    const dataSource = new DataSource(typeormOptions(bed.apiConfig.database));
    await dataSource.initialize();
    try {
      const user = randomUUID();
      const batch = [1, 2, 3].map((i) => usageEventOf(user, i));
      const writer = new UsageBatchWriter(dataSource);
      expect(await writer.write(batch)).toEqual({ inserted: 3, duplicates: 0 });
      expect(await writer.write([...batch, batch[0]])).toEqual({ inserted: 0, duplicates: 4 });
      const report = await usageOf(user);
      expect(report.totals).toMatchObject({ requests: 3, promptTokens: 21, completionTokens: 9 });
      expect(report.totals.costUsd).toBeCloseTo(0.0000087, 12);
      const { rows } = await bed.db.query<{ n: string }>(
        `SELECT count(*) AS n FROM usage_attempts a JOIN usage_events e ON e.id = a.event_id WHERE e.user_id = $1`,
        [user],
      );
      expect(rows[0].n).toBe('3');
    } finally {
      await dataSource.destroy();
    }
  });

  it('pushes buffered events to Redis when the api shuts down', async () => {
    // a second api whose buffer would hold events for a minute
    const lazy = await bed.startAnotherApi({ ingest: { flushIntervalMs: 60_000, batchSize: 5_000 } });
    const user = randomUUID();
    const token = signTestAccessToken({ userId: user, limits: { rpm: 0, tpm: 0, tpd: 0 } });
    for (let i = 0; i < 3; i++) {
      bed.fake.enqueue('openai', { kind: 'ok', usage: { input: 5, output: 1 } });
      const res = await fetch(`${lazy.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `bye ${i}` }] }),
      });
      expect(res.status).toBe(200);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await rawCount(user)).toBe(0);
    await lazy.close();
    const report = await eventually(
      () => usageOf(user),
      (r) => r.totals.requests >= 3,
    );
    expect(report.totals).toMatchObject({ requests: 3, promptTokens: 15, completionTokens: 3 });
  });

  it('purges raw rows past retention on a schedule, keeping the rollups', async () => {
    const scheduler = createQueue(USAGE_MAINTENANCE_QUEUE, bed.worker.get(UsageBatchProducer).connection);
    const schedulers = await scheduler.getJobSchedulers();
    await scheduler.close();
    expect(schedulers).toEqual([
      expect.objectContaining({ key: 'usage-retention', every: bed.apiConfig.analytics.purgeIntervalMs }),
    ]);

    const dataSource = new DataSource(typeormOptions(bed.apiConfig.database));
    await dataSource.initialize();
    const user = randomUUID();
    const longAgo = Date.now() - 100 * 86_400_000;
    try {
      await new UsageBatchWriter(dataSource).write([usageEventOf(user, 1, longAgo), usageEventOf(user, 2)]);
    } finally {
      await dataSource.destroy();
    }
    expect(await rawCount(user)).toBe(2);
    await bed.worker.get(UsageRetentionJob).purge(); // retentionDays: 90 by default
    expect(await rawCount(user)).toBe(1);
    const day = new Date(Math.floor(longAgo / 86_400_000) * 86_400_000);
    const old = await bed.admin<UsageReport>(
      `/analytics/usage?userId=${user}&from=${day.toISOString()}&to=${new Date(day.getTime() + 86_400_000).toISOString()}`,
    );
    expect(old.totals.requests).toBe(1);
  });
});
