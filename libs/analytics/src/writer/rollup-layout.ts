import type { UsageEvent } from '../events/usage-event';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Rollup dimensions are never NULL (so they can form a primary key): absent is the empty string. */
export const NONE = '';

export type UsageDimension =
  'user_id' | 'api_key_id' | 'route' | 'model_group' | 'provider' | 'deployment_id' | 'model';

/** How each dimension is read from an event. */
export const DIMENSION_VALUE: Readonly<Record<UsageDimension, (event: UsageEvent) => string>> = {
  user_id: (e) => e.userId ?? NONE,
  api_key_id: (e) => e.apiKeyId ?? NONE,
  route: (e) => e.route,
  model_group: (e) => e.modelGroup,
  provider: (e) => e.provider ?? NONE,
  deployment_id: (e) => e.deploymentId ?? NONE,
  model: (e) => e.model ?? NONE,
};

/**
 * Usage is rolled up three times, with different dimensions: a rollup is only small when its dimensions
 * repeat within a bucket, and callers (hundreds of users and keys) multiply with models and routes. A query
 * reads the first rollup, in this order, holding every column it groups or filters by (`cubeFor`):
 *
 * - model: what (route, model group, provider, deployment, model), bounded by config — totals, "by
 *   provider/model/route/deployment"
 * - caller: who (user, key), bounded by the number of callers — "by user", "by key", "one user's total"
 * - full: both — "one user's usage by model", "by key for one provider"
 */
export interface UsageCube {
  name: 'caller' | 'model' | 'full';
  dimensions: readonly UsageDimension[];
}

export const USAGE_CUBES: readonly UsageCube[] = [
  { name: 'model', dimensions: ['route', 'model_group', 'provider', 'deployment_id', 'model'] },
  { name: 'caller', dimensions: ['user_id', 'api_key_id'] },
  {
    name: 'full',
    dimensions: ['user_id', 'api_key_id', 'route', 'model_group', 'provider', 'deployment_id', 'model'],
  },
];

export interface RollupPeriod {
  name: 'hourly' | 'daily';
  bucketMs: number;
}

export const ROLLUP_PERIODS: readonly RollupPeriod[] = [
  { name: 'hourly', bucketMs: HOUR_MS },
  { name: 'daily', bucketMs: DAY_MS },
];

export function usageRollupTable(cube: UsageCube, period: RollupPeriod['name']): string {
  return `usage_rollup_${cube.name}_${period}`;
}

export function performanceRollupTable(period: RollupPeriod['name']): string {
  return `performance_rollup_${period}`;
}

/** The first cube (smallest expected) with every column a query needs. */
export function cubeFor(columns: Iterable<string>): UsageCube {
  const needed = [...columns];
  const cube = USAGE_CUBES.find((c) =>
    needed.every((column) => (c.dimensions as readonly string[]).includes(column)),
  );
  if (!cube) throw new Error(`no usage rollup has the columns ${needed.join(', ')}`);
  return cube;
}
