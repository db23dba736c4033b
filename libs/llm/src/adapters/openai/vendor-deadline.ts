/**
 * Aborts a vendor call when the caller aborts or when the vendor stays silent longer than the
 * deployment timeout: until the answer for a JSON call, between chunks for a stream. The SDK's own
 * timeout stops at the response headers, so a stream that stalls later would otherwise hang.
 * Knowing that this deadline fired is what tells a timeout apart from the caller's abort.
 *
 * One timer per call, re-armed with refresh(): a stream pauses and restarts the clock for every chunk,
 * and a new timer each time was a measurable share of relaying a chunk.
 */
export class VendorDeadline {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private paused = false;
  private expired = false;

  constructor(
    private readonly caller: AbortSignal,
    private readonly silenceMs: number,
  ) {
    if (caller.aborted) this.controller.abort(caller.reason);
    else caller.addEventListener('abort', this.forwardCallerAbort, { once: true });
    this.restart();
  }

  /** What to hand the SDK. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get timedOut(): boolean {
    return this.expired;
  }

  /** The vendor just spoke: the silence clock starts again. */
  restart(): void {
    if (this.controller.signal.aborted) return;
    this.paused = false;
    if (this.timer) this.timer.refresh();
    else this.timer = setTimeout(this.onSilence, this.silenceMs);
  }

  /** While the caller holds a chunk, the vendor is not the one being slow. */
  pause(): void {
    this.paused = true;
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.caller.removeEventListener('abort', this.forwardCallerAbort);
  }

  private readonly onSilence = (): void => {
    if (this.controller.signal.aborted) return;
    // paused: the silence is the caller's; look again one period later (restart() re-arms it anyway)
    if (this.paused) return void this.timer?.refresh();
    this.expired = true;
    this.controller.abort(new Error(`the vendor was silent for ${this.silenceMs} ms`));
  };

  private readonly forwardCallerAbort = (): void => {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.controller.abort(this.caller.reason);
  };
}
