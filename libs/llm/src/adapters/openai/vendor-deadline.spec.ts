import { VendorDeadline } from './vendor-deadline';

describe('VendorDeadline', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('aborts and reports a timeout after the silence limit', () => {
    const deadline = new VendorDeadline(new AbortController().signal, 1_000);

    jest.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);

    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(true);
  });

  it('starts the clock again when the vendor speaks, and stops it while paused', () => {
    const deadline = new VendorDeadline(new AbortController().signal, 1_000);

    jest.advanceTimersByTime(800);
    deadline.restart();
    jest.advanceTimersByTime(800);
    deadline.pause();
    jest.advanceTimersByTime(5_000);
    expect(deadline.signal.aborted).toBe(false);
    deadline.restart();
    jest.advanceTimersByTime(1_000);

    expect(deadline.timedOut).toBe(true);
  });

  it('keeps one timer however many chunks pause and restart it', () => {
    const deadline = new VendorDeadline(new AbortController().signal, 1_000);
    for (let chunk = 0; chunk < 100; chunk++) {
      jest.advanceTimersByTime(900);
      deadline.pause();
      deadline.restart();
    }
    expect(jest.getTimerCount()).toBe(1);
    expect(deadline.signal.aborted).toBe(false);
    deadline.pause();
    jest.advanceTimersByTime(10_000);
    expect(deadline.signal.aborted).toBe(false);
    deadline.restart();
    jest.advanceTimersByTime(999);
    expect(deadline.signal.aborted).toBe(false);
    jest.advanceTimersByTime(1);
    expect(deadline.timedOut).toBe(true);
    deadline.dispose();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("forwards the caller's abort, which is not a timeout", () => {
    const caller = new AbortController();
    const deadline = new VendorDeadline(caller.signal, 1_000);

    caller.abort();
    jest.advanceTimersByTime(2_000);

    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.timedOut).toBe(false);
  });

  it('starts aborted when the caller already gave up, and lets go of the caller on dispose', () => {
    const caller = new AbortController();
    caller.abort();
    expect(new VendorDeadline(caller.signal, 1_000).signal.aborted).toBe(true);

    const live = new AbortController();
    const deadline = new VendorDeadline(live.signal, 1_000);
    deadline.dispose();
    live.abort();
    jest.advanceTimersByTime(2_000);

    expect(deadline.signal.aborted).toBe(false);
  });
});
