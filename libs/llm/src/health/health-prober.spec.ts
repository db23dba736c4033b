import type { DeploymentConfig } from '@app/config';
import type { LlmProvider } from '../core/provider';
import { ProviderError } from '../core/provider-error';
import { HealthMonitor, type ProbeResult } from './health-monitor';
import { HealthProber } from './health-prober';

type ProbeBehaviour = (signal: AbortSignal) => Promise<void>;

/** A provider whose probe does whatever the test says, and which records how many probes overlap. */
class FakeProvider implements LlmProvider {
  readonly type = 'openai' as const;
  calls = 0;
  active = 0;
  maxActive = 0;
  behaviour: ProbeBehaviour = async () => undefined;

  constructor(readonly deploymentId: string) {}

  generate(): never {
    throw new Error('not used');
  }

  stream(): never {
    throw new Error('not used');
  }

  async probe(signal: AbortSignal): Promise<void> {
    this.calls += 1;
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      await this.behaviour(signal);
    } finally {
      this.active -= 1;
    }
  }
}

function deployment(id: string, overrides: Partial<DeploymentConfig> = {}): DeploymentConfig {
  return {
    id,
    type: 'openai',
    enabled: true,
    probe: true,
    timeoutMs: 5_000,
    models: [{ name: 'm' }],
    ...overrides,
  } as DeploymentConfig;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const failWith = (code: 'connection_error' | 'upstream_unavailable') => async () => {
  throw new ProviderError({ code, message: 'no', status: 503, provider: 'openai', deploymentId: 'd1' });
};

describe('HealthProber', () => {
  let results: Array<[string, ProbeResult]>;
  const recorder = { probeFinished: (id: string, result: ProbeResult) => results.push([id, result]) };

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_700_000_000_000 });
    results = [];
  });
  afterEach(() => jest.useRealTimers());

  it('probes opted-in deployments at start and then every interval', async () => {
    const opted = new FakeProvider('d1');
    const notOpted = new FakeProvider('d2');
    const disabled = new FakeProvider('d3');
    const prober = new HealthProber({
      intervalMs: 10_000,
      recorder,
      targets: [
        { deployment: deployment('d1'), provider: opted },
        { deployment: deployment('d2', { probe: false }), provider: notOpted },
        { deployment: deployment('d3', { enabled: false }), provider: disabled },
      ],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(opted.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(30_000);
    expect(opted.calls).toBe(4);
    expect(notOpted.calls + disabled.calls).toBe(0);
    expect(results).toHaveLength(4);
    expect(results.every(([id, r]) => id === 'd1' && r.ok)).toBe(true);
    prober.stop();
    await jest.advanceTimersByTimeAsync(30_000);
    expect(opted.calls).toBe(4);
  });

  it('is off when the interval is 0', async () => {
    const provider = new FakeProvider('d1');
    const prober = new HealthProber({
      intervalMs: 0,
      recorder,
      targets: [{ deployment: deployment('d1'), provider }],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(120_000);
    expect(provider.calls).toBe(0);
  });

  it('never overlaps probes of one deployment when a probe outlasts the interval', async () => {
    const provider = new FakeProvider('d1');
    provider.behaviour = () => sleep(25_000);
    const prober = new HealthProber({
      intervalMs: 10_000,
      recorder,
      targets: [{ deployment: deployment('d1', { timeoutMs: 60_000 }), provider }],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(prober.isProbing('d1')).toBe(true);
    // ticks at 10 s and 20 s are skipped; the probe ends at 25 s; the tick at 30 s starts the next one
    await jest.advanceTimersByTimeAsync(29_000);
    expect(provider.calls).toBe(1);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(provider.calls).toBe(2);
    expect(provider.maxActive).toBe(1);
    expect(results).toEqual([['d1', { ok: true, latencyMs: 25_000 }]]);
    await jest.advanceTimersByTimeAsync(100_000);
    expect(provider.maxActive).toBe(1);
    prober.stop();
  });

  it('records a timeout when the vendor hangs, and still waits for the hung probe before the next', async () => {
    const provider = new FakeProvider('d1');
    let release: () => void = () => undefined;
    provider.behaviour = () => new Promise<void>((resolve) => (release = resolve)); // ignores the abort signal
    const prober = new HealthProber({
      intervalMs: 1_000,
      recorder,
      targets: [{ deployment: deployment('d1', { timeoutMs: 2_000 }), provider }],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(results).toHaveLength(1);
    expect(results[0][1]).toMatchObject({ ok: false, latencyMs: 2_000, error: { code: 'timeout' } });
    await jest.advanceTimersByTimeAsync(5_000);
    expect(provider.calls).toBe(1);
    release();
    await jest.advanceTimersByTimeAsync(1_000);
    expect(provider.calls).toBe(2);
    expect(results).toHaveLength(1);
    prober.stop();
  });

  it('aborts the probe signal on timeout', async () => {
    const provider = new FakeProvider('d1');
    let aborted = false;
    provider.behaviour = (signal) =>
      new Promise<void>((_resolve, reject) =>
        signal.addEventListener('abort', () => ((aborted = true), reject(new Error('aborted')))),
      );
    const prober = new HealthProber({
      intervalMs: 10_000,
      recorder,
      targets: [{ deployment: deployment('d1', { timeoutMs: 500 }), provider }],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(500);
    expect(aborted).toBe(true);
    expect(results).toHaveLength(1);
    expect(prober.isProbing('d1')).toBe(false);
    prober.stop();
  });

  it('drives the monitor: failure → down, later success → healthy', async () => {
    const monitor = new HealthMonitor();
    const provider = new FakeProvider('d1');
    provider.behaviour = failWith('connection_error');
    const prober = new HealthProber({
      intervalMs: 10_000,
      recorder: monitor,
      targets: [{ deployment: deployment('d1'), provider }],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(monitor.snapshot('d1')).toMatchObject({ state: 'down', lastError: { code: 'connection_error' } });
    provider.behaviour = async () => undefined;
    await jest.advanceTimersByTimeAsync(10_000);
    expect(monitor.snapshot('d1')).toMatchObject({ state: 'healthy', lastSuccessAt: Date.now() });
    prober.stop();
  });

  it('wraps errors that are not ProviderErrors', async () => {
    const provider = new FakeProvider('d1');
    provider.behaviour = async () => {
      throw new TypeError('fetch failed');
    };
    const prober = new HealthProber({
      intervalMs: 10_000,
      recorder,
      targets: [{ deployment: deployment('d1'), provider }],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(0);
    expect(results[0][1].error).toBeInstanceOf(ProviderError);
    expect(results[0][1].error).toMatchObject({ code: 'upstream_error', deploymentId: 'd1' });
    prober.stop();
  });

  it('stop() aborts probes in flight without recording them', async () => {
    const provider = new FakeProvider('d1');
    provider.behaviour = (signal) =>
      new Promise<void>((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(new Error('aborted'))),
      );
    const prober = new HealthProber({
      intervalMs: 10_000,
      recorder,
      targets: [{ deployment: deployment('d1'), provider }],
    });
    prober.start();
    await jest.advanceTimersByTimeAsync(100);
    prober.stop();
    await jest.advanceTimersByTimeAsync(0);
    expect(prober.isProbing('d1')).toBe(false);
    expect(results).toHaveLength(0);
  });
});
