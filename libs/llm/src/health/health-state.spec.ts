import { classifyHealth, type HealthSignals, type HealthState } from './health-state';

const normal: HealthSignals = {
  breaker: 'closed',
  probeFailing: false,
  consecutiveFailures: 0,
  requests: 100,
  errors: 1,
  latencyP50Ms: 400,
  latencySamples: 99,
  latencyBaselineMs: 350,
};

describe('classifyHealth', () => {
  const table: Array<[string, Partial<HealthSignals>, HealthState]> = [
    ['steady traffic, few errors', {}, 'healthy'],
    [
      'no traffic at all',
      { requests: 0, errors: 0, latencyP50Ms: undefined, latencySamples: 0, latencyBaselineMs: undefined },
      'healthy',
    ],
    ['breaker open', { breaker: 'open' }, 'cooling'],
    ['breaker half-open', { breaker: 'half-open' }, 'cooling'],
    ['breaker open beats down', { breaker: 'open', consecutiveFailures: 10, probeFailing: true }, 'cooling'],
    ['3 failures in a row', { consecutiveFailures: 3 }, 'down'],
    ['2 failures in a row', { consecutiveFailures: 2 }, 'healthy'],
    ['last probe failed', { probeFailing: true }, 'down'],
    ['down beats degraded', { consecutiveFailures: 5, errors: 60 }, 'down'],
    ['error rate at the threshold', { errors: 20 }, 'degraded'],
    ['error rate just below', { errors: 19 }, 'healthy'],
    ['high error rate on too few requests', { requests: 4, errors: 2 }, 'healthy'],
    ['p50 over 3 × baseline', { latencyP50Ms: 1_100, latencyBaselineMs: 350 }, 'degraded'],
    ['p50 at 3 × baseline', { latencyP50Ms: 1_050, latencyBaselineMs: 350 }, 'healthy'],
    ['slow but too few samples', { latencyP50Ms: 5_000, latencySamples: 4 }, 'healthy'],
    ['slow with no baseline yet', { latencyP50Ms: 5_000, latencyBaselineMs: undefined }, 'healthy'],
  ];

  it.each(table)('%s → %s', (_name, overrides, expected) => {
    expect(classifyHealth({ ...normal, ...overrides })).toBe(expected);
  });

  it('honours custom thresholds', () => {
    expect(
      classifyHealth(
        { ...normal, consecutiveFailures: 3 },
        {
          downAfterConsecutiveFailures: 5,
          degradedErrorRate: 0.5,
          minRequestsForErrorRate: 1,
          degradedLatencyFactor: 2,
          minSamplesForLatency: 1,
        },
      ),
    ).toBe('healthy');
  });
});
