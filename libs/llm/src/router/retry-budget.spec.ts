import { RetryBudget } from './retry-budget';
import { FakeClock } from './testing/fake-clock';

describe('RetryBudget', () => {
  it('always allows budgetMinPerSecond retries', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ budgetRatio: 0.1, budgetMinPerSecond: 3 }, clock);
    expect([1, 2, 3, 4].map(() => budget.tryAcquireRetry())).toEqual([true, true, true, false]);
  });

  it('allows retries up to budgetRatio of the requests in the last second', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ budgetRatio: 0.2, budgetMinPerSecond: 0 }, clock);
    for (let i = 0; i < 100; i++) budget.recordRequest();
    let allowed = 0;
    for (let i = 0; i < 100; i++) if (budget.tryAcquireRetry()) allowed++;
    expect(allowed).toBe(20);
    expect(budget.snapshot()).toEqual({ requests: 100, retries: 20, limit: 20 });
  });

  it('counts fallbacks as retries without refusing them', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ budgetRatio: 0.5, budgetMinPerSecond: 0 }, clock);
    for (let i = 0; i < 10; i++) budget.recordRequest();
    for (let i = 0; i < 5; i++) budget.recordFallback();
    expect(budget.tryAcquireRetry()).toBe(false);
  });

  it('forgets what happened more than a second ago', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ budgetRatio: 0, budgetMinPerSecond: 2 }, clock);
    expect(budget.tryAcquireRetry()).toBe(true);
    clock.advanceSync(500);
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advanceSync(600); // the first retry left the window
    expect(budget.tryAcquireRetry()).toBe(true);
    expect(budget.tryAcquireRetry()).toBe(false);
    clock.advanceSync(1_100);
    expect(budget.snapshot().retries).toBe(0);
  });
});
