import { ProviderError, type ProviderErrorCode } from '../core/provider-error';
import { attemptVerdict } from './attempt-verdict';
import { DeploymentStats } from './deployment-stats';
import { LatencyHistogram } from './latency-histogram';
import type { AttemptOutcome } from '../router/deployment-gates';

const T0 = 1_700_000_000_000;

function failure(
  code: ProviderErrorCode = 'upstream_unavailable',
  message = 'boom',
  status = 503,
): AttemptOutcome {
  return {
    ok: false,
    latencyMs: 10,
    error: new ProviderError({ code, message, status, provider: 'openai', deploymentId: 'd1' }),
  };
}

/** Histogram percentiles are accurate to the bucket width (×1.2): within 10% of the true value. */
function expectNear(actual: number | undefined, expected: number): void {
  expect(actual).toBeGreaterThanOrEqual(expected * 0.9);
  expect(actual).toBeLessThanOrEqual(expected * 1.1);
}

function finish(stats: DeploymentStats, now: number, outcome: AttemptOutcome): void {
  stats.attemptStarted();
  stats.attemptFinished(now, attemptVerdict(outcome), outcome);
}

describe('LatencyHistogram', () => {
  it('estimates percentiles of known samples within the bucket resolution', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.add(ms);
    expect(histogram.count).toBe(1000);
    expectNear(histogram.percentile(0.5), 500);
    expectNear(histogram.percentile(0.95), 950);
    expectNear(histogram.percentile(0.99), 990);
  });

  it('is undefined when empty, and merges through its sparse form', () => {
    const a = new LatencyHistogram();
    expect(a.percentile(0.5)).toBeUndefined();
    a.add(100);
    a.add(100);
    const b = new LatencyHistogram();
    b.addSparse(a.toSparse());
    b.add(5_000);
    expect(b.count).toBe(3);
    expectNear(b.percentile(0.5), 100);
    expect(b.percentile(1)).toBeGreaterThan(4_500);
  });

  it('ignores invalid samples and clamps huge ones into the last bucket', () => {
    const histogram = new LatencyHistogram();
    histogram.add(Number.NaN);
    histogram.add(-1);
    expect(histogram.count).toBe(0);
    histogram.add(1e12);
    expect(histogram.percentile(0.5)).toBeGreaterThan(1_000_000);
  });
});

describe('DeploymentStats', () => {
  it('counts requests and errors in the window and computes the error rate', () => {
    const stats = new DeploymentStats();
    for (let i = 0; i < 8; i++) finish(stats, T0 + i * 100, { ok: true, latencyMs: 200 });
    finish(stats, T0 + 900, failure());
    finish(stats, T0 + 950, failure());
    const window = stats.window(T0 + 1_000);
    expect(window.requests).toBe(10);
    expect(window.errors).toBe(2);
    expect(window.errors / window.requests).toBeCloseTo(0.2);
  });

  it('rolls buckets: samples older than the window drop out, recent ones stay', () => {
    const stats = new DeploymentStats({
      bucketMs: 1_000,
      bucketCount: 60,
      latencyEwmaAlpha: 0.3,
      baselineTimeConstantMs: 600_000,
    });
    finish(stats, T0, { ok: true, latencyMs: 100 });
    finish(stats, T0 + 30_000, failure());
    expect(stats.window(T0 + 59_999).requests).toBe(2);
    // 60 s after the first sample its bucket is outside the window
    expect(stats.window(T0 + 60_000)).toMatchObject({ requests: 1, errors: 1 });
    expect(stats.window(T0 + 60_000).latency.count).toBe(0);
    // a slot reused by a later second starts from zero
    finish(stats, T0 + 60_000, { ok: true, latencyMs: 300 });
    const window = stats.window(T0 + 60_000);
    expect(window.requests).toBe(2);
    expectNear(window.latency.percentile(0.5), 300);
    expect(stats.window(T0 + 200_000).requests).toBe(0);
  });

  it('samples latency and TTFT from successes only', () => {
    const stats = new DeploymentStats();
    finish(stats, T0, { ok: true, latencyMs: 1_000, ttftMs: 150 });
    finish(stats, T0, { ok: false, latencyMs: 3, error: failure().error });
    const window = stats.window(T0);
    expect(window.latency.count).toBe(1);
    expectNear(window.ttft.percentile(0.5), 150);
    expect(stats.latencyEwmaMs).toBe(1_000);
  });

  it('tracks in flight, consecutive failures, last error and last success', () => {
    const stats = new DeploymentStats();
    stats.attemptStarted();
    stats.attemptStarted();
    expect(stats.inFlight).toBe(2);
    stats.attemptFinished(T0, 'failure', failure('timeout', 'took too long', 504));
    stats.attemptFinished(T0 + 1, 'failure', failure());
    expect(stats.inFlight).toBe(0);
    expect(stats.consecutiveFailures).toBe(2);
    expect(stats.lastError).toEqual({
      code: 'upstream_unavailable',
      message: 'boom',
      status: 503,
      at: T0 + 1,
    });
    finish(stats, T0 + 2, { ok: true, latencyMs: 50 });
    expect(stats.consecutiveFailures).toBe(0);
    expect(stats.lastSuccessAt).toBe(T0 + 2);
    stats.attemptFinished(T0 + 3, 'success', { ok: true, latencyMs: 1 });
    expect(stats.inFlight).toBe(0);
  });

  it('treats caller-caused errors as traffic that is neither failure nor success', () => {
    const stats = new DeploymentStats();
    finish(stats, T0, failure());
    finish(stats, T0 + 1, failure('bad_request', 'invalid', 400));
    finish(stats, T0 + 2, failure('aborted', 'client left', 499));
    expect(stats.consecutiveFailures).toBe(1);
    expect(stats.window(T0 + 2)).toMatchObject({ requests: 3, errors: 1 });
  });

  it('never keeps credentials in the last error', () => {
    const stats = new DeploymentStats();
    finish(
      stats,
      T0,
      failure(
        'authentication_failed',
        'Incorrect API key provided: sk-proj-abcdefghijklmnop1234. Authorization: Bearer eyJhbGciOi.x.y',
        401,
      ),
    );
    expect(stats.lastError?.message).not.toMatch(/sk-proj-abc|eyJhbGciOi/);
    expect(stats.lastError?.message).toContain('[redacted]');
  });

  it('moves the baseline slowly: a burst of slow samples barely shifts it', () => {
    const stats = new DeploymentStats();
    for (let i = 0; i < 50; i++) finish(stats, T0 + i * 1_000, { ok: true, latencyMs: 100 });
    expect(stats.latencyBaselineMs).toBeCloseTo(100);
    for (let i = 0; i < 20; i++) finish(stats, T0 + 50_000 + i * 500, { ok: true, latencyMs: 1_000 });
    expect(stats.latencyBaselineMs).toBeLessThan(200);
    expect(stats.latencyEwmaMs).toBeGreaterThan(900);
  });

  it('probe failure marks probeFailing until any success', () => {
    const stats = new DeploymentStats();
    stats.probeFinished(T0, false, failure('connection_error', 'ECONNREFUSED', 502).error);
    expect(stats).toMatchObject({ probeFailing: true, consecutiveFailures: 1, lastProbeAt: T0 });
    expect(stats.window(T0).requests).toBe(0);
    stats.probeFinished(T0 + 1_000, true);
    expect(stats).toMatchObject({ probeFailing: false, consecutiveFailures: 0, lastSuccessAt: T0 + 1_000 });
  });
});
