import type { RouterClock, Timer } from './clock';

/**
 * Why an attempt's signal fired: the caller cancelled, the request deadline passed, the deployment's
 * own timeout passed, or the stream's consumer closed it.
 */
export type AbortCause = 'caller' | 'deadline' | 'timeout' | 'closed';

function abortReason(cause: AbortCause): DOMException {
  return cause === 'deadline' || cause === 'timeout'
    ? new DOMException(
        cause === 'deadline' ? 'request deadline exceeded' : 'deployment timeout',
        'TimeoutError',
      )
    : new DOMException(cause === 'caller' ? 'aborted by the caller' : 'closed by the consumer', 'AbortError');
}

/** One request across all its attempts: the caller's signal plus the overall deadline. */
export class RequestScope {
  private readonly controller = new AbortController();
  private deadlineTimer: Timer | undefined;
  private deadlineAt: number;
  cause: AbortCause | undefined;

  constructor(
    private readonly clock: RouterClock,
    readonly timeoutMs: number,
    private readonly callerSignal: AbortSignal | undefined,
  ) {
    this.deadlineAt = clock.now() + timeoutMs;
    if (callerSignal?.aborted) this.abort('caller');
    else callerSignal?.addEventListener('abort', this.onCallerAbort, { once: true });
    this.deadlineTimer = clock.setTimer(this.onDeadline, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  remainingMs(): number {
    return this.deadlineAt - this.clock.now();
  }

  /** A stream has started: from here on only the caller, the consumer and the idle timeout end it. */
  stopDeadline(): void {
    this.clearDeadline();
    this.deadlineAt = Infinity;
  }

  dispose(): void {
    this.clearDeadline();
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }

  private abort(cause: AbortCause): void {
    if (this.controller.signal.aborted) return;
    this.cause = cause;
    this.controller.abort(abortReason(cause));
  }

  private clearDeadline(): void {
    if (this.deadlineTimer === undefined) return;
    this.clock.clearTimer(this.deadlineTimer);
    this.deadlineTimer = undefined;
  }

  private readonly onCallerAbort = (): void => this.abort('caller');
  private readonly onDeadline = (): void => this.abort('deadline');
}

/** One call to one deployment: its request's signal plus the deployment's timeoutMs. */
export class AttemptScope {
  private readonly controller = new AbortController();
  private timer: Timer | undefined;
  cause: AbortCause | undefined;

  constructor(
    private readonly clock: RouterClock,
    private readonly request: RequestScope,
    timeoutMs: number,
  ) {
    if (request.signal.aborted) this.abort(request.cause ?? 'caller');
    else request.signal.addEventListener('abort', this.onRequestAbort, { once: true });
    this.timer = clock.setTimer(this.onTimeout, timeoutMs);
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Restart the timeout: used as an idle timeout between stream chunks. */
  refreshTimeout(): void {
    this.timer?.refresh();
  }

  close(): void {
    this.abort('closed');
  }

  dispose(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
    this.request.signal.removeEventListener('abort', this.onRequestAbort);
  }

  private abort(cause: AbortCause): void {
    if (this.controller.signal.aborted) return;
    this.cause = cause;
    this.controller.abort(abortReason(cause));
  }

  private readonly onRequestAbort = (): void => this.abort(this.request.cause ?? 'caller');
  private readonly onTimeout = (): void => this.abort('timeout');
}

/**
 * Settles with `work`, or rejects with the signal's reason as soon as it aborts, so a provider that is
 * slow to honour its signal cannot hold up a timeout or a cancellation. A value that arrives after the
 * abort goes to `discardLate` (e.g. to close a stream nobody will read).
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal,
  discardLate?: (value: T) => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) discardLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
