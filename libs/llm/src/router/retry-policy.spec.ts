import { ProviderError } from '../core/provider-error';
import { RetryPolicy } from './retry-policy';

const serverError = (retryAfterMs?: number) =>
  new ProviderError({
    code: 'upstream_error',
    status: 500,
    message: 'boom',
    provider: 'openai',
    deploymentId: 'd',
    retryAfterMs,
  });

describe('RetryPolicy', () => {
  const config = { baseDelayMs: 100, maxDelayMs: 1_000 };

  it('caps full jitter at baseDelayMs · 2^n, up to maxDelayMs', () => {
    const topOfRange = new RetryPolicy(config, () => 0.999_999);
    expect([0, 1, 2, 3, 4, 10].map((n) => topOfRange.retryDelayMs(n, serverError(), 60_000))).toEqual([
      99, 199, 399, 799, 999, 999,
    ]);
    const bottomOfRange = new RetryPolicy(config, () => 0);
    expect(bottomOfRange.retryDelayMs(3, serverError(), 60_000)).toBe(0);
  });

  it('spreads delays over the whole [0, cap] range', () => {
    let call = 0;
    const policy = new RetryPolicy(config, () => (call++ % 10) / 10);
    const delays = Array.from({ length: 10 }, () => policy.retryDelayMs(2, serverError(), 60_000));
    expect(Math.min(...(delays as number[]))).toBe(0);
    expect(Math.max(...(delays as number[]))).toBe(360);
  });

  it('waits at least Retry-After', () => {
    const policy = new RetryPolicy(config, () => 0.5);
    expect(policy.retryDelayMs(0, serverError(1_500), 60_000)).toBe(1_500);
    expect(policy.retryDelayMs(3, serverError(10), 60_000)).toBe(400); // backoff is longer here
  });

  it('gives up on the deployment when the wait would outlast the deadline', () => {
    const policy = new RetryPolicy(config, () => 0.5);
    expect(policy.retryDelayMs(0, serverError(5_000), 4_000)).toBeUndefined();
    expect(policy.retryDelayMs(0, serverError(), 10)).toBeUndefined();
  });
});
