import { ProviderError } from '../core/provider-error';
import type { BreakerState, CircuitBreaker } from '../router/deployment-gates';
import { mergeReports, parseReport, type InstanceHealthReport } from './health-report';
import { HealthMonitor } from './health-monitor';

const T0 = 1_700_000_000_000;

function providerError(
  code: 'upstream_unavailable' | 'connection_error' = 'upstream_unavailable',
): ProviderError {
  return new ProviderError({
    code,
    message: 'vendor down',
    status: 503,
    provider: 'openai',
    deploymentId: 'd1',
  });
}

function fakeBreaker(states: Record<string, BreakerState>): CircuitBreaker {
  return {
    tryAcquire: () => true,
    onSuccess: () => undefined,
    onFailure: () => undefined,
    state: (id) => states[id] ?? 'closed',
    remainingCooldownMs: () => 0,
  };
}

describe('HealthMonitor (in process)', () => {
  let now: number;
  const clock = (): number => now;
  beforeEach(() => {
    now = T0;
  });

  it('tracks in-flight attempts and a latency estimate for the router', () => {
    const monitor = new HealthMonitor({ clock });
    expect(monitor.inFlight('d1')).toBe(0);
    expect(monitor.latencyEstimateMs('d1')).toBeUndefined();
    monitor.attemptStarted('d1');
    monitor.attemptStarted('d1');
    expect(monitor.inFlight('d1')).toBe(2);
    monitor.attemptFinished('d1', { ok: true, latencyMs: 200 });
    expect(monitor.inFlight('d1')).toBe(1);
    expect(monitor.latencyEstimateMs('d1')).toBe(200);
    monitor.attemptFinished('d1', { ok: true, latencyMs: 400 });
    expect(monitor.latencyEstimateMs('d1')).toBeCloseTo(260);
  });

  it('snapshots an unseen deployment as healthy and empty', () => {
    expect(new HealthMonitor({ clock }).snapshot('nobody')).toEqual({
      state: 'healthy',
      latencyP50Ms: null,
      latencyP95Ms: null,
      ttftP50Ms: null,
      errorRate: 0,
      requests: 0,
      inFlight: 0,
      consecutiveFailures: 0,
      lastError: null,
      lastSuccessAt: null,
      breaker: 'closed',
    });
  });

  it('goes down after consecutive failures and recovers on the next success', () => {
    const monitor = new HealthMonitor({ clock });
    for (let i = 0; i < 3; i++) {
      monitor.attemptStarted('d1');
      monitor.attemptFinished('d1', { ok: false, latencyMs: 5, error: providerError() });
    }
    expect(monitor.snapshot('d1')).toMatchObject({
      state: 'down',
      consecutiveFailures: 3,
      errorRate: 1,
      lastError: { code: 'upstream_unavailable' },
    });
    monitor.attemptFinished('d1', { ok: true, latencyMs: 100, ttftMs: 40 });
    expect(monitor.snapshot('d1')).toMatchObject({
      state: 'healthy',
      consecutiveFailures: 0,
      lastSuccessAt: T0,
      requests: 4,
    });
  });

  it('a failed probe marks the deployment down and a successful one recovers it', () => {
    const monitor = new HealthMonitor({ clock });
    monitor.probeFinished('d1', { ok: false, latencyMs: 30, error: providerError('connection_error') });
    expect(monitor.snapshot('d1').state).toBe('down');
    now += 30_000;
    monitor.probeFinished('d1', { ok: true, latencyMs: 30 });
    expect(monitor.snapshot('d1').state).toBe('healthy');
  });

  it('reports cooling while the breaker is open or half-open', () => {
    const monitor = new HealthMonitor({ clock, breaker: fakeBreaker({ d1: 'open', d2: 'half-open' }) });
    expect(monitor.snapshot('d1')).toMatchObject({ state: 'cooling', breaker: 'open' });
    expect(monitor.snapshot('d2')).toMatchObject({ state: 'cooling', breaker: 'half-open' });
    expect(monitor.snapshot('d3')).toMatchObject({ state: 'healthy', breaker: 'closed' });
  });

  it('is degraded when the error rate crosses the threshold', () => {
    const monitor = new HealthMonitor({ clock });
    for (let i = 0; i < 10; i++) {
      const ok = i % 4 !== 0;
      monitor.attemptFinished(
        'd1',
        ok ? { ok, latencyMs: 100 } : { ok, latencyMs: 100, error: providerError() },
      );
    }
    expect(monitor.snapshot('d1')).toMatchObject({ state: 'degraded', requests: 10, errorRate: 0.3 });
  });

  it('without Redis the shared view is this process alone', async () => {
    const monitor = new HealthMonitor({ clock });
    monitor.attemptFinished('d1', { ok: true, latencyMs: 100 });
    monitor.start();
    await expect(monitor.sharedSnapshot(['d1', 'd2'])).resolves.toMatchObject({
      d1: { requests: 1, instances: 1 },
      d2: { requests: 0, instances: 1 },
    });
    await monitor.stop();
  });
});

describe('mergeReports', () => {
  const base: InstanceHealthReport = {
    at: T0,
    requests: 0,
    errors: 0,
    inFlight: 0,
    consecutiveFailures: 0,
    latency: [],
    ttft: [],
    latencyBaselineMs: null,
    lastError: null,
    lastSuccessAt: null,
    probeFailing: false,
    lastProbeAt: null,
    breaker: 'closed',
  };

  it('sums traffic, keeps the newest error and the worst breaker', () => {
    const merged = mergeReports([
      {
        ...base,
        requests: 10,
        errors: 1,
        inFlight: 2,
        lastError: { code: 'timeout', message: 'a', at: T0 - 5 },
        lastSuccessAt: T0 - 10,
      },
      {
        ...base,
        requests: 30,
        errors: 3,
        inFlight: 1,
        lastError: { code: 'upstream_error', message: 'b', at: T0 - 1 },
        breaker: 'half-open',
      },
    ]);
    expect(merged).toMatchObject({
      requests: 40,
      errorRate: 0.1,
      inFlight: 3,
      instances: 2,
      breaker: 'half-open',
      state: 'cooling',
    });
    expect(merged.lastError?.code).toBe('upstream_error');
  });

  it('forgets a failure streak once any instance succeeded after it', () => {
    const failing = {
      ...base,
      consecutiveFailures: 4,
      lastError: { code: 'timeout', message: 'x', at: T0 - 100 },
    };
    expect(mergeReports([failing]).state).toBe('down');
    expect(mergeReports([failing, { ...base, lastSuccessAt: T0 - 50 }])).toMatchObject({
      state: 'healthy',
      consecutiveFailures: 0,
    });
  });

  it('takes the probe verdict from the instance that probed last', () => {
    const failedProbe = { ...base, probeFailing: true, lastProbeAt: T0 - 10 };
    expect(mergeReports([failedProbe, { ...base, probeFailing: false, lastProbeAt: T0 - 20 }]).state).toBe(
      'down',
    );
    expect(mergeReports([failedProbe, { ...base, probeFailing: false, lastProbeAt: T0 - 5 }]).state).toBe(
      'healthy',
    );
  });

  it('parses what it writes and rejects garbage', () => {
    const report: InstanceHealthReport = {
      ...base,
      requests: 3,
      latency: [[30, 3]],
      lastError: { code: 'timeout', message: 'm', at: T0 },
    };
    expect(parseReport(JSON.stringify(report))).toEqual(report);
    expect(parseReport('not json')).toBeUndefined();
    expect(parseReport('{"at":"yesterday"}')).toBeUndefined();
  });
});
