import { usageEvent } from '../testing/usage-event.fixture';
import { HOUR_MS, USAGE_CUBES } from './rollup-layout';
import { performanceRollup, usageRollup } from './rollup-rows';
import {
  formatCostUnits,
  insertAttemptsSql,
  insertEventsSql,
  upsertPerformanceRollupSql,
  upsertUsageRollupSql,
} from './usage-tables';

describe('usage table statements', () => {
  it('formats cost units as an exact decimal', () => {
    expect(formatCostUnits(0)).toBe('0.0000000000');
    expect(formatCostUnits(3_000_000_000)).toBe('0.3000000000');
    expect(formatCostUnits(12_345_678_901_234)).toBe('1234.5678901234');
    expect(formatCostUnits(-5)).toBe('-0.0000000005');
  });

  it('inserts any number of events with one parameter per column, idempotently', () => {
    const events = [usageEvent(), usageEvent({ id: '00000000-0000-4000-8000-000000000002' })];
    const statement = insertEventsSql(events);
    expect(statement.sql).toMatch(/^INSERT INTO usage_events AS target \(id, occurred_at, /);
    expect(statement.sql).toContain('FROM unnest($1::uuid[], $2::timestamptz[]');
    expect(statement.sql).toMatch(/ON CONFLICT \(id\) DO NOTHING RETURNING id$/);
    expect(statement.params).toHaveLength(23);
    expect(statement.params[0]).toEqual(events.map((e) => e.id));
    expect(statement.params[1]).toEqual(['2026-01-01T10:15:00.000Z', '2026-01-01T10:15:00.000Z']);
  });

  it('inserts one attempt row per attempt, none when there are none', () => {
    expect(insertAttemptsSql([usageEvent({ attempts: [] })])).toBeUndefined();
    const statement = insertAttemptsSql([usageEvent()])!;
    expect(statement.sql).toContain('ON CONFLICT (event_id, attempt_index) DO NOTHING');
    expect(statement.params[1]).toEqual([0]);
  });

  it("upserts a usage cube keyed by bucket and the cube's own dimensions", () => {
    const caller = USAGE_CUBES.find((c) => c.name === 'caller')!;
    const statement = upsertUsageRollupSql(
      'usage_rollup_caller_hourly',
      caller,
      usageRollup([usageEvent()], caller, HOUR_MS),
    );
    expect(statement.sql).toMatch(
      /^INSERT INTO usage_rollup_caller_hourly AS target \(bucket, user_id, api_key_id, requests,/,
    );
    expect(statement.sql).toContain(
      'ON CONFLICT (bucket, user_id, api_key_id) DO UPDATE SET requests = target.requests + EXCLUDED.requests',
    );
    expect(statement.params.slice(0, 3)).toEqual([['2026-01-01T10:00:00.000Z'], ['user-1'], ['']]);
    expect(statement.params[8]).toEqual(['0.0004500000']);
  });

  it('adds rollup sums and histograms element-wise on conflict', () => {
    const statement = upsertPerformanceRollupSql(
      'performance_rollup_hourly',
      performanceRollup([usageEvent()], HOUR_MS),
    );
    expect(statement.sql).toContain('ON CONFLICT (bucket, provider, deployment_id, model) DO UPDATE SET');
    expect(statement.sql).toContain('requests = target.requests + EXCLUDED.requests');
    expect(statement.sql).toContain('latency_hist::integer[]');
    expect(statement.sql).toContain(
      'latency_hist = (SELECT array_agg(a + b ORDER BY i) FROM unnest(target.latency_hist, EXCLUDED.latency_hist) WITH ORDINALITY AS h(a, b, i))',
    );
    const histogram = statement.params[10] as string[];
    expect(histogram[0]).toMatch(/^\{(\d+,)+\d+\}$/);
  });
});
