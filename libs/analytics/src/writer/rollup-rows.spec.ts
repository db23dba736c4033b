import { bucketIndex } from '../histogram/latency-histogram';
import { attempt, usageEvent } from '../testing/usage-event.fixture';
import { DAY_MS, HOUR_MS, NONE, USAGE_CUBES } from './rollup-layout';
import { performanceRollup, usageRollup } from './rollup-rows';

const [MODEL, CALLER, FULL] = USAGE_CUBES;

const TEN_AM = Date.UTC(2026, 0, 1, 10);

describe('usageRollup', () => {
  it('sums requests, errors, cache hits, tokens and exact cost per hour and dimensions', () => {
    const rows = usageRollup(
      [
        usageEvent({ costUsd: 0.1 }),
        usageEvent({ costUsd: 0.2, occurredAt: TEN_AM + 59 * 60_000 }),
        usageEvent({ outcome: 'error', promptTokens: 0, completionTokens: 0, costUsd: 0 }),
        usageEvent({ cacheHit: true, costUsd: 0 }),
        usageEvent({ occurredAt: TEN_AM + HOUR_MS }),
      ],
      FULL,
      HOUR_MS,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      bucket: TEN_AM,
      dimensions: ['user-1', NONE, 'chat', 'gpt-4o', 'openai', 'openai-a', 'gpt-4o'],
      requests: 4,
      errors: 1,
      cacheHits: 1,
      promptTokens: 300,
      completionTokens: 60,
      costUnits: 3_000_000_000, // 0.1 + 0.2, exactly
    });
    expect(rows[1].bucket).toBe(TEN_AM + HOUR_MS);
  });

  it('keeps distinct dimensions apart and uses UTC day buckets', () => {
    const events = [
      usageEvent({ userId: 'a' }),
      usageEvent({ userId: 'b' }),
      usageEvent({ userId: null, provider: null }),
    ];
    const rows = usageRollup(events, FULL, DAY_MS);
    expect(rows.map((r) => [r.dimensions[0], r.dimensions[4], r.bucket])).toEqual([
      [NONE, NONE, Date.UTC(2026, 0, 1)],
      ['a', 'openai', Date.UTC(2026, 0, 1)],
      ['b', 'openai', Date.UTC(2026, 0, 1)],
    ]);
  });

  it('keeps only its own dimensions in each cube', () => {
    const events = [
      usageEvent({ userId: 'a', model: 'gpt-4o' }),
      usageEvent({ userId: 'b', model: 'gpt-4o' }),
      usageEvent({ userId: 'a', model: 'claude', provider: 'anthropic' }),
    ];
    expect(usageRollup(events, CALLER, DAY_MS).map((r) => [r.dimensions, r.requests])).toEqual([
      [['a', NONE], 2],
      [['b', NONE], 1],
    ]);
    expect(
      usageRollup(events, MODEL, DAY_MS).map((r) => [r.dimensions[2], r.dimensions[4], r.requests]),
    ).toEqual([
      ['anthropic', 'claude', 1],
      ['openai', 'gpt-4o', 2],
    ]);
  });
});

describe('performanceRollup', () => {
  it('credits requests to the deployment that served and attempts to the one they went to', () => {
    const rows = performanceRollup(
      [
        usageEvent({
          deploymentId: 'anthropic-b',
          provider: 'anthropic',
          model: 'claude',
          fallbacks: 1,
          latencyMs: 300,
          attempts: [
            attempt({ ok: false, errorCode: 'upstream_unavailable', status: 503, latencyMs: 20 }),
            attempt({ deploymentId: 'anthropic-b', provider: 'anthropic', model: 'claude', latencyMs: 250 }),
          ],
        }),
      ],
      HOUR_MS,
    );
    const byDeployment = Object.fromEntries(rows.map((r) => [r.deploymentId, r]));
    expect(byDeployment['anthropic-b']).toMatchObject({
      requests: 1,
      fallbacks: 1,
      attempts: 1,
      failedAttempts: 0,
    });
    expect(byDeployment['anthropic-b'].latencyHistogram[bucketIndex(300)]).toBe(1);
    expect(byDeployment['anthropic-b'].attemptLatencyHistogram[bucketIndex(250)]).toBe(1);
    expect(byDeployment['openai-a']).toMatchObject({ requests: 0, attempts: 1, failedAttempts: 1 });
    expect(byDeployment['openai-a'].attemptLatencyHistogram[bucketIndex(20)]).toBe(1);
  });

  it('credits a failed request to the last deployment tried, and leaves cache hits out of latency', () => {
    const rows = performanceRollup(
      [
        usageEvent({
          outcome: 'error',
          provider: null,
          deploymentId: null,
          model: null,
          attempts: [attempt({ ok: false })],
        }),
        usageEvent({ cacheHit: true, attempts: [], latencyMs: 2 }),
        usageEvent({ kind: 'stream', ttftMs: 45, attempts: [] }),
        usageEvent({ provider: null, deploymentId: null, model: null, outcome: 'error', attempts: [] }),
      ],
      HOUR_MS,
    );
    const served = rows.find((r) => r.deploymentId === 'openai-a')!;
    expect(served).toMatchObject({ requests: 3, errors: 1, cacheHits: 1, attempts: 1, failedAttempts: 1 });
    expect(served.latencyHistogram.reduce((a, b) => a + b)).toBe(2);
    expect(served.ttftHistogram[bucketIndex(45)]).toBe(1);
    const nowhere = rows.find((r) => r.deploymentId === NONE)!;
    expect(nowhere).toMatchObject({ requests: 1, errors: 1, attempts: 0 });
  });
});
