import type { UsageAttempt, UsageEvent } from '../events/usage-event';
import type { UsageCube } from './rollup-layout';
import { COST_UNITS_PER_USD, type PerformanceRollupRow, type UsageRollupRow } from './rollup-rows';
import { bulkInsertSql, columnValues, type BulkColumn, type BulkInsert } from './unnest-insert';

/** Column name, array type, and how to read it from a row: one list per table keeps SQL and values in step. */
type ColumnSpec<T> = BulkColumn & { value: (row: T) => unknown };

const iso = (epochMs: number): string => new Date(epochMs).toISOString();

const EVENT_COLUMNS: ColumnSpec<UsageEvent>[] = [
  { name: 'id', type: 'uuid', value: (e) => e.id },
  { name: 'occurred_at', type: 'timestamptz', value: (e) => iso(e.occurredAt) },
  { name: 'request_id', type: 'text', value: (e) => e.requestId },
  { name: 'kind', type: 'text', value: (e) => e.kind },
  { name: 'user_id', type: 'text', value: (e) => e.userId },
  { name: 'api_key_id', type: 'text', value: (e) => e.apiKeyId },
  { name: 'route', type: 'text', value: (e) => e.route },
  { name: 'model_group', type: 'text', value: (e) => e.modelGroup },
  { name: 'provider', type: 'text', value: (e) => e.provider },
  { name: 'deployment_id', type: 'text', value: (e) => e.deploymentId },
  { name: 'model', type: 'text', value: (e) => e.model },
  { name: 'outcome', type: 'text', value: (e) => e.outcome },
  { name: 'status', type: 'smallint', value: (e) => e.status },
  { name: 'error_code', type: 'text', value: (e) => e.errorCode },
  { name: 'prompt_tokens', type: 'integer', value: (e) => e.promptTokens },
  { name: 'completion_tokens', type: 'integer', value: (e) => e.completionTokens },
  { name: 'cost_usd', type: 'numeric', value: (e) => e.costUsd },
  { name: 'latency_ms', type: 'integer', value: (e) => e.latencyMs },
  { name: 'ttft_ms', type: 'integer', value: (e) => e.ttftMs },
  { name: 'attempts', type: 'smallint', value: (e) => e.attempts.length },
  { name: 'fallbacks', type: 'smallint', value: (e) => e.fallbacks },
  { name: 'cache_hit', type: 'boolean', value: (e) => e.cacheHit },
  { name: 'stream_aborted', type: 'boolean', value: (e) => e.streamAborted },
];

interface AttemptRow {
  event: UsageEvent;
  index: number;
  attempt: UsageAttempt;
}

const ATTEMPT_COLUMNS: ColumnSpec<AttemptRow>[] = [
  { name: 'event_id', type: 'uuid', value: (r) => r.event.id },
  { name: 'attempt_index', type: 'smallint', value: (r) => r.index },
  { name: 'occurred_at', type: 'timestamptz', value: (r) => iso(r.event.occurredAt) },
  { name: 'provider', type: 'text', value: (r) => r.attempt.provider },
  { name: 'deployment_id', type: 'text', value: (r) => r.attempt.deploymentId },
  { name: 'model', type: 'text', value: (r) => r.attempt.model },
  { name: 'vendor_model', type: 'text', value: (r) => r.attempt.vendorModel },
  { name: 'ok', type: 'boolean', value: (r) => r.attempt.ok },
  { name: 'error_code', type: 'text', value: (r) => r.attempt.errorCode },
  { name: 'status', type: 'smallint', value: (r) => r.attempt.status },
  { name: 'latency_ms', type: 'integer', value: (r) => r.attempt.latencyMs },
  { name: 'ttft_ms', type: 'integer', value: (r) => r.attempt.ttftMs },
];

/** bucket, then the cube's dimensions in its order. */
function usageRollupKey(cube: UsageCube): ColumnSpec<UsageRollupRow>[] {
  return [
    { name: 'bucket', type: 'timestamptz', value: (r) => iso(r.bucket) },
    ...cube.dimensions.map((name, i) => ({
      name,
      type: 'text',
      value: (r: UsageRollupRow) => r.dimensions[i],
    })),
  ];
}

const USAGE_ROLLUP_SUMS: ColumnSpec<UsageRollupRow>[] = [
  { name: 'requests', type: 'bigint', value: (r) => r.requests },
  { name: 'errors', type: 'bigint', value: (r) => r.errors },
  { name: 'cache_hits', type: 'bigint', value: (r) => r.cacheHits },
  { name: 'prompt_tokens', type: 'bigint', value: (r) => r.promptTokens },
  { name: 'completion_tokens', type: 'bigint', value: (r) => r.completionTokens },
  { name: 'cost_usd', type: 'numeric', value: (r) => formatCostUnits(r.costUnits) },
];

const PERFORMANCE_ROLLUP_KEY: ColumnSpec<PerformanceRollupRow>[] = [
  { name: 'bucket', type: 'timestamptz', value: (r) => iso(r.bucket) },
  { name: 'provider', type: 'text', value: (r) => r.provider },
  { name: 'deployment_id', type: 'text', value: (r) => r.deploymentId },
  { name: 'model', type: 'text', value: (r) => r.model },
];

const PERFORMANCE_ROLLUP_SUMS: ColumnSpec<PerformanceRollupRow>[] = [
  { name: 'requests', type: 'bigint', value: (r) => r.requests },
  { name: 'errors', type: 'bigint', value: (r) => r.errors },
  { name: 'fallbacks', type: 'bigint', value: (r) => r.fallbacks },
  { name: 'cache_hits', type: 'bigint', value: (r) => r.cacheHits },
  { name: 'attempts', type: 'bigint', value: (r) => r.attempts },
  { name: 'failed_attempts', type: 'bigint', value: (r) => r.failedAttempts },
];

const PERFORMANCE_ROLLUP_HISTOGRAMS: ColumnSpec<PerformanceRollupRow>[] = [
  { name: 'latency_hist', type: 'text', cast: 'integer[]', value: (r) => arrayLiteral(r.latencyHistogram) },
  { name: 'ttft_hist', type: 'text', cast: 'integer[]', value: (r) => arrayLiteral(r.ttftHistogram) },
  {
    name: 'attempt_latency_hist',
    type: 'text',
    cast: 'integer[]',
    value: (r) => arrayLiteral(r.attemptLatencyHistogram),
  },
];

/** Inserts request rows; RETURNING tells which were new (the others were written by an earlier try). */
export function insertEventsSql(events: readonly UsageEvent[]): BulkInsert {
  return bulkInsert('usage_events', EVENT_COLUMNS, events, 'ON CONFLICT (id) DO NOTHING RETURNING id');
}

export function insertAttemptsSql(events: readonly UsageEvent[]): BulkInsert | undefined {
  const rows = events.flatMap((event) => event.attempts.map((attempt, index) => ({ event, index, attempt })));
  if (rows.length === 0) return undefined;
  return bulkInsert(
    'usage_attempts',
    ATTEMPT_COLUMNS,
    rows,
    'ON CONFLICT (event_id, attempt_index) DO NOTHING',
  );
}

export function upsertUsageRollupSql(
  table: string,
  cube: UsageCube,
  rows: readonly UsageRollupRow[],
): BulkInsert {
  return upsert(table, usageRollupKey(cube), USAGE_ROLLUP_SUMS, [], rows);
}

export function upsertPerformanceRollupSql(table: string, rows: readonly PerformanceRollupRow[]): BulkInsert {
  return upsert(table, PERFORMANCE_ROLLUP_KEY, PERFORMANCE_ROLLUP_SUMS, PERFORMANCE_ROLLUP_HISTOGRAMS, rows);
}

/** Sums add up; histograms add element-wise. */
function upsert<T>(
  table: string,
  key: ColumnSpec<T>[],
  sums: ColumnSpec<T>[],
  histograms: ColumnSpec<T>[],
  rows: readonly T[],
): BulkInsert {
  const updates = [
    ...sums.map((c) => `${c.name} = target.${c.name} + EXCLUDED.${c.name}`),
    ...histograms.map(
      (c) =>
        `${c.name} = (SELECT array_agg(a + b ORDER BY i) ` +
        `FROM unnest(target.${c.name}, EXCLUDED.${c.name}) WITH ORDINALITY AS h(a, b, i))`,
    ),
  ];
  const conflict = `ON CONFLICT (${key.map((c) => c.name).join(', ')}) DO UPDATE SET ${updates.join(', ')}`;
  return bulkInsert(table, [...key, ...sums, ...histograms], rows, conflict);
}

function bulkInsert<T>(
  table: string,
  columns: ColumnSpec<T>[],
  rows: readonly T[],
  onConflict: string,
): BulkInsert {
  const values = columnValues(
    rows,
    columns.map((c) => c.value),
  );
  return bulkInsertSql(table, columns, values, onConflict);
}

/** 1e-10 USD units as an exact decimal string (a float would round). */
export function formatCostUnits(units: number): string {
  const sign = units < 0 ? '-' : '';
  const magnitude = Math.abs(units);
  const whole = Math.floor(magnitude / COST_UNITS_PER_USD);
  const fraction = magnitude - whole * COST_UNITS_PER_USD;
  return `${sign}${whole}.${String(fraction).padStart(10, '0')}`;
}

function arrayLiteral(values: readonly number[]): string {
  return `{${values.join(',')}}`;
}
