import { performanceSql } from './performance-query';
import { groupColumn, usageSeriesSql, usageTotalsSql, type UsageQuery } from './usage-query';

const DAY = 86_400_000;
const range = { from: Date.UTC(2026, 0, 1, 20), to: Date.UTC(2026, 0, 31, 4) };
const INJECTION = "x'; DROP TABLE usage_events; --";

describe('usage query builder', () => {
  it('reads whole days from the daily rollup and the edges from the hourly one', () => {
    const { sql, params } = usageTotalsSql({ range, filters: {} }, false);
    expect(sql).toContain(
      'FROM usage_rollup_model_hourly WHERE ((bucket >= $1 AND bucket < $2) OR (bucket >= $3 AND bucket < $4))',
    );
    expect(sql).toContain('UNION ALL SELECT bucket, requests');
    expect(sql).toContain('FROM usage_rollup_model_daily WHERE ((bucket >= $5 AND bucket < $6))');
    expect(params).toEqual([
      '2026-01-01T20:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-31T00:00:00.000Z',
      '2026-01-31T04:00:00.000Z',
      '2026-01-02T00:00:00.000Z',
      '2026-01-31T00:00:00.000Z',
    ]);
  });

  it('groups by a whitelisted column and limits the groups', () => {
    const { sql, params } = usageTotalsSql({ range, filters: {}, groupBy: 'key', limit: 10 }, true);
    expect(sql).toMatch(/^SELECT api_key_id AS group_key, sum\(requests\) AS requests/);
    expect(sql).toMatch(/GROUP BY api_key_id ORDER BY requests DESC, group_key LIMIT \$7$/);
    expect(params[6]).toBe(10);
  });

  it('reads the smallest rollup with every column grouped or filtered by', () => {
    const from = (query: UsageQuery, grouped = true): string =>
      /FROM (usage_rollup_\w+)_hourly/.exec(usageTotalsSql(query, grouped).sql)![1];
    expect(from({ range, filters: {} }, false)).toBe('usage_rollup_model');
    expect(from({ range, filters: {}, groupBy: 'provider' })).toBe('usage_rollup_model');
    expect(from({ range, filters: {}, groupBy: 'user' })).toBe('usage_rollup_caller');
    expect(from({ range, filters: { apiKeyId: 'k' }, groupBy: 'user' })).toBe('usage_rollup_caller');
    expect(from({ range, filters: { userId: 'u' }, groupBy: 'model' })).toBe('usage_rollup_full');
    expect(from({ range, filters: { provider: 'openai' }, groupBy: 'key' })).toBe('usage_rollup_full');
  });

  it('passes filter values as parameters only, whatever they contain', () => {
    const query: UsageQuery = { range, filters: { userId: INJECTION, provider: 'openai' } };
    const { sql, params } = usageTotalsSql(query, false);
    expect(sql).not.toContain('DROP');
    expect(sql).toContain('user_id = $1 AND provider = $2');
    expect(params.slice(0, 2)).toEqual([INJECTION, 'openai']);
  });

  it('refuses a groupBy or filter outside the whitelist', () => {
    expect(() => groupColumn(INJECTION)).toThrow('unknown groupBy');
    expect(() => groupColumn('constructor')).toThrow('unknown groupBy');
    const bad = { range, filters: { [INJECTION]: 'x' } } as unknown as UsageQuery;
    expect(() => usageTotalsSql(bad, false)).toThrow('unknown filter');
    const badGroup = { range, filters: {}, groupBy: 'cost_usd); --' } as unknown as UsageQuery;
    expect(() => usageTotalsSql(badGroup, true)).toThrow('unknown groupBy');
  });

  it('builds an hourly series from the hourly rollup only', () => {
    const { sql } = usageSeriesSql({
      range: { from: range.from, to: range.from + DAY },
      filters: {},
      granularity: 'hour',
    });
    expect(sql).not.toContain('_daily');
    expect(sql).toMatch(/^SELECT bucket AS bucket, sum/);
    expect(sql).toMatch(/GROUP BY 1 ORDER BY 1$/);
  });

  it('builds a daily series per group, truncating hourly edges to their UTC day', () => {
    const { sql } = usageSeriesSql({ range, filters: {}, granularity: 'day', groupBy: 'model' });
    expect(sql).toMatch(
      /^SELECT date_trunc\('day', bucket AT TIME ZONE 'UTC'\) AT TIME ZONE 'UTC' AS bucket, model AS group_key/,
    );
    expect(sql).toContain('usage_rollup_model_daily');
    expect(sql).toMatch(/GROUP BY 1, model ORDER BY 1, model$/);
  });
});

describe('performance query builder', () => {
  it('groups by whitelisted columns and sums histograms element-wise', () => {
    const { sql, params } = performanceSql({ range, groupBy: 'deployment', filters: { model: INJECTION } });
    expect(sql).toContain('GROUP BY provider, deployment_id');
    expect(sql).toContain(
      'unnest(latency_hist, ttft_hist, attempt_latency_hist) WITH ORDINALITY AS h(l, t, a, i)',
    );
    expect(sql).toContain('array_agg(l ORDER BY i) AS latency_hist');
    expect(sql).toContain('model = $');
    expect(sql).not.toContain('DROP');
    expect(params).toContain(INJECTION);
  });

  it('refuses a groupBy outside the whitelist', () => {
    expect(() => performanceSql({ range, groupBy: 'route' as never, filters: {} })).toThrow(
      'unknown groupBy',
    );
    expect(() => performanceSql({ range, groupBy: 'model', filters: { route: 'x' } as never })).toThrow(
      'unknown filter',
    );
  });
});
