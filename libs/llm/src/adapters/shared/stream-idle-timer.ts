/**
 * Aborts a vendor stream when the vendor goes quiet for `ms` between events. It runs only while we wait
 * on the vendor (paused while the consumer handles a chunk), so a slow consumer never trips it.
 */
export class StreamIdleTimer {
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private timedOut = false;

  constructor(
    private readonly ms: number,
    callerSignal: AbortSignal,
  ) {
    this.signal = AbortSignal.any([callerSignal, this.controller.signal]);
  }

  get fired(): boolean {
    return this.timedOut;
  }

  /** What the stream failed with when the timer fired; error mappers read it as a timeout. */
  get error(): Error {
    return Object.assign(new Error(`no stream event within ${this.ms} ms`), {
      name: 'TimeoutError',
      code: 'ETIMEDOUT',
    });
  }

  restart(): void {
    this.pause();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(this.error);
    }, this.ms);
  }

  pause(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
