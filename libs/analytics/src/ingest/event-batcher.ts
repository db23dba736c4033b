export interface BatcherOptions {
  /** A batch leaves as soon as this many items wait... */
  batchSize: number;
  /** ...or this long after the first of them arrived (also the pause before retrying a failed send). */
  flushIntervalMs: number;
  /** Items held while the sink fails; further items are dropped (and reported) rather than growing forever. */
  maxBuffered: number;
}

export interface BatcherHooks<T> {
  /** One round-trip per batch; a rejection puts the batch back in front to be tried again. */
  send(batch: T[]): Promise<void>;
  onDropped?(count: number): void;
  onSendFailed?(error: unknown, batchSize: number): void;
}

/**
 * Buffers items in memory and hands them to a sink in batches, one send at a time. `add` is synchronous
 * and O(1) (an array push, at most one timer), so callers on a request path never wait on the sink.
 */
export class EventBatcher<T> {
  private buffer: T[] = [];
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private lastSendFailed = false;
  private draining = false;

  constructor(
    private readonly options: BatcherOptions,
    private readonly hooks: BatcherHooks<T>,
  ) {}

  /** Items not yet handed over, including a batch being sent. */
  get pending(): number {
    return this.buffer.length + this.inFlight;
  }

  add(item: T): void {
    if (this.pending >= this.options.maxBuffered) {
      this.hooks.onDropped?.(1);
      return;
    }
    this.buffer.push(item);
    // after a failed send, wait for the retry timer even when a batch is full
    const full = this.buffer.length >= this.options.batchSize && !this.lastSendFailed;
    if (this.draining || full) this.pump();
    else this.schedule();
  }

  /**
   * Sends everything buffered, batch after batch, without waiting for timers; resolves once nothing is
   * pending or after `timeoutMs` (what is left then is lost: the caller is shutting down). Items added
   * afterwards are sent at once.
   */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    this.clearTimer();
    const deadline = Date.now() + timeoutMs;
    while (this.pending > 0 && Date.now() < deadline) {
      this.pump();
      const sending = this.sending;
      if (!sending) break;
      await waitAtMost(sending, deadline - Date.now());
      if (this.lastSendFailed) await delay(Math.min(this.options.flushIntervalMs, deadline - Date.now()));
    }
  }

  /** Starts sending the next batch unless one is already on its way. */
  private pump(): void {
    if (this.sending || this.buffer.length === 0) return;
    this.clearTimer();
    const batch = this.buffer.splice(0, this.options.batchSize);
    this.inFlight = batch.length;
    this.sending = this.hooks.send(batch).then(
      () => this.sent(),
      (error: unknown) => this.failed(batch, error),
    );
  }

  private sent(): void {
    this.inFlight = 0;
    this.sending = undefined;
    this.lastSendFailed = false;
    if (this.draining || this.buffer.length >= this.options.batchSize) this.pump();
    else this.schedule();
  }

  private failed(batch: T[], error: unknown): void {
    this.inFlight = 0;
    this.sending = undefined;
    this.lastSendFailed = true;
    this.hooks.onSendFailed?.(error, batch.length);
    const room = Math.max(0, this.options.maxBuffered - this.buffer.length);
    const kept = batch.length <= room ? batch : batch.slice(0, room);
    if (kept.length < batch.length) this.hooks.onDropped?.(batch.length - kept.length);
    this.buffer = kept.concat(this.buffer);
    // the sink is failing: try again after an interval, not at once
    if (!this.draining) this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.sending || this.buffer.length === 0 || this.draining) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, this.options.flushIntervalMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

async function waitAtMost(promise: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    promise,
    new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms)))),
  ]);
  clearTimeout(timer);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}
