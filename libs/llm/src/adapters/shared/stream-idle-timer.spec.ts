import { StreamIdleTimer } from './stream-idle-timer';

describe('StreamIdleTimer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts its signal with a timeout error once the vendor is quiet for the whole interval', () => {
    const timer = new StreamIdleTimer(1_000, new AbortController().signal);
    timer.restart();
    jest.advanceTimersByTime(999);
    timer.restart();
    jest.advanceTimersByTime(999);
    expect(timer.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(timer.fired).toBe(true);
    expect(timer.signal.aborted).toBe(true);
    expect(timer.signal.reason).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
  });

  it('does not run while paused (the consumer is busy with a chunk)', () => {
    const timer = new StreamIdleTimer(1_000, new AbortController().signal);
    timer.restart();
    timer.pause();
    jest.advanceTimersByTime(5_000);
    expect(timer.fired).toBe(false);
    expect(timer.signal.aborted).toBe(false);
  });

  it('follows the caller signal without counting it as a timeout', () => {
    const caller = new AbortController();
    const timer = new StreamIdleTimer(1_000, caller.signal);
    caller.abort();
    expect(timer.signal.aborted).toBe(true);
    expect(timer.fired).toBe(false);
  });
});
