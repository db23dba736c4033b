import type { BreakerConfig } from '@app/config';
import { ProviderError } from '../core/provider-error';
import { InMemoryCircuitBreaker } from './circuit-breaker';
import { FakeClock } from './testing/fake-clock';
import { routingConfig } from './testing/fixtures';

const failure = (status = 500, code: ProviderError['code'] = 'upstream_error') =>
  new ProviderError({ code, status, message: 'x', provider: 'openai', deploymentId: 'd' });

function breakerWith(overrides: Partial<BreakerConfig> = {}) {
  const clock = new FakeClock();
  const breaker = new InMemoryCircuitBreaker(
    routingConfig({ breaker: { failureThreshold: 3, cooldownMs: 10_000, minRequests: 1_000, ...overrides } })
      .breaker,
    clock,
  );
  return { clock, breaker };
}

describe('InMemoryCircuitBreaker', () => {
  it('opens after failureThreshold consecutive retryable failures', () => {
    const { breaker } = breakerWith();
    breaker.onFailure('d', failure());
    breaker.onFailure('d', failure());
    expect(breaker.state('d')).toBe('closed');
    breaker.onFailure('d', failure(503, 'upstream_unavailable'));
    expect(breaker.state('d')).toBe('open');
    expect(breaker.tryAcquire('d')).toBe(false);
    expect(breaker.remainingCooldownMs('d')).toBe(10_000);
    expect(breaker.tryAcquire('other')).toBe(true);
  });

  it('a success resets the consecutive count', () => {
    const { breaker } = breakerWith();
    breaker.onFailure('d', failure());
    breaker.onFailure('d', failure());
    breaker.onSuccess('d');
    breaker.onFailure('d', failure());
    breaker.onFailure('d', failure());
    expect(breaker.state('d')).toBe('closed');
  });

  it('ignores non-retryable errors', () => {
    const { breaker } = breakerWith();
    for (let i = 0; i < 10; i++) breaker.onFailure('d', failure(400, 'bad_request'));
    for (let i = 0; i < 10; i++) breaker.onFailure('d', failure(499, 'aborted'));
    expect(breaker.state('d')).toBe('closed');
  });

  it('opens on the error rate over the window once minRequests outcomes are in', () => {
    const { breaker } = breakerWith({
      failureThreshold: 100,
      minRequests: 10,
      errorRateThreshold: 0.5,
      windowMs: 10_000,
    });
    for (let i = 0; i < 4; i++) {
      breaker.onSuccess('d');
      breaker.onFailure('d', failure());
    }
    expect(breaker.state('d')).toBe('closed'); // 8 outcomes < minRequests
    breaker.onSuccess('d');
    breaker.onFailure('d', failure()); // 10 outcomes, 50 % failed
    expect(breaker.state('d')).toBe('open');

    const other = breakerWith({
      failureThreshold: 100,
      minRequests: 10,
      errorRateThreshold: 0.5,
      windowMs: 10_000,
    });
    for (let i = 0; i < 4; i++) other.breaker.onFailure('d', failure());
    other.clock.advanceSync(11_000); // those failures left the window
    for (let i = 0; i < 5; i++) other.breaker.onSuccess('d');
    for (let i = 0; i < 4; i++) other.breaker.onFailure('d', failure());
    other.breaker.onSuccess('d');
    expect(other.breaker.state('d')).toBe('closed'); // 4 of 10 in the window
  });

  it('goes half-open after the cooldown, lets exactly one trial through, and closes on its success', () => {
    const { clock, breaker } = breakerWith();
    for (let i = 0; i < 3; i++) breaker.onFailure('d', failure());
    clock.advanceSync(9_999);
    expect(breaker.tryAcquire('d')).toBe(false);
    clock.advanceSync(1);
    expect(breaker.state('d')).toBe('half-open');
    expect(breaker.tryAcquire('d')).toBe(true);
    expect(breaker.tryAcquire('d')).toBe(false);
    breaker.onSuccess('d');
    expect(breaker.state('d')).toBe('closed');
    expect(breaker.tryAcquire('d')).toBe(true);
    expect(breaker.tryAcquire('d')).toBe(true);
  });

  it('re-opens when the trial fails', () => {
    const { clock, breaker } = breakerWith();
    for (let i = 0; i < 3; i++) breaker.onFailure('d', failure());
    clock.advanceSync(10_000);
    expect(breaker.tryAcquire('d')).toBe(true);
    breaker.onFailure('d', failure());
    expect(breaker.state('d')).toBe('open');
    expect(breaker.remainingCooldownMs('d')).toBe(10_000);
  });

  it('a trial ending in a non-retryable error frees the slot for another trial', () => {
    const { clock, breaker } = breakerWith();
    for (let i = 0; i < 3; i++) breaker.onFailure('d', failure());
    clock.advanceSync(10_000);
    expect(breaker.tryAcquire('d')).toBe(true);
    breaker.onFailure('d', failure(499, 'aborted'));
    expect(breaker.state('d')).toBe('half-open');
    expect(breaker.tryAcquire('d')).toBe(true);
  });

  it('gives up on a trial that never reports back after a cooldown', () => {
    const { clock, breaker } = breakerWith();
    for (let i = 0; i < 3; i++) breaker.onFailure('d', failure());
    clock.advanceSync(10_000);
    expect(breaker.tryAcquire('d')).toBe(true);
    clock.advanceSync(10_000);
    expect(breaker.tryAcquire('d')).toBe(true);
  });
});
