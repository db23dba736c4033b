import type { RouterClock, Timer } from '../clock';

class FakeTimer implements Timer {
  constructor(
    private readonly clock: FakeClock,
    readonly callback: () => void,
    private readonly delayMs: number,
    public dueAt: number,
  ) {}

  refresh(): this {
    this.dueAt = this.clock.now() + this.delayMs;
    return this;
  }
}

/** Lets pending promise chains run (one macrotask turn drains every queued microtask). */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Virtual time for tests. `sleep` records the requested delay and jumps the clock forward at once;
 * `advance` moves time step by step, firing due timers in order and letting promises settle in between.
 */
export class FakeClock implements RouterClock {
  readonly sleeps: number[] = [];
  private time: number;
  private timers: FakeTimer[] = [];

  constructor(start = 1_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(callback: () => void, ms: number): Timer {
    const timer = new FakeTimer(this, callback, ms, this.time + ms);
    this.timers.push(timer);
    return timer;
  }

  clearTimer(timer: Timer): void {
    this.timers = this.timers.filter((t) => t !== timer);
  }

  sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.sleeps.push(ms);
    if (!signal.aborted) this.advanceSync(ms);
    return Promise.resolve();
  }

  /** Timers still scheduled: 0 after every request has finished, or something leaks. */
  get pendingTimers(): number {
    return this.timers.length;
  }

  advanceSync(ms: number): void {
    const target = this.time + ms;
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) this.fire(timer);
    this.time = target;
  }

  async advance(ms: number): Promise<void> {
    await flushPromises();
    const target = this.time + ms;
    for (let timer = this.nextDue(target); timer; timer = this.nextDue(target)) {
      this.fire(timer);
      await flushPromises();
    }
    this.time = target;
    await flushPromises();
  }

  private nextDue(target: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const timer of this.timers)
      if (timer.dueAt <= target && (!next || timer.dueAt < next.dueAt)) next = timer;
    return next;
  }

  private fire(timer: FakeTimer): void {
    this.time = Math.max(this.time, timer.dueAt);
    this.clearTimer(timer);
    timer.callback();
  }
}
