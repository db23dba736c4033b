import type { AttemptRecord, RouteFinishedEvent, RouterListener } from './router.types';

/** Fans router events out to listeners, synchronously and never awaited; listener failures are swallowed. */
export class RouterListeners {
  private listeners: readonly RouterListener[] = [];

  /** Returns the unsubscribe function. */
  add(listener: RouterListener): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }

  /** False when nobody listens, so callers can skip building events. */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  attempt(record: AttemptRecord, requestedModel: string): void {
    for (const listener of this.listeners) {
      try {
        settleQuietly(listener.onAttempt?.(record, requestedModel));
      } catch {
        // analytics must never break routing
      }
    }
  }

  finished(event: RouteFinishedEvent): void {
    for (const listener of this.listeners) {
      try {
        settleQuietly(listener.onFinished?.(event));
      } catch {
        // analytics must never break routing
      }
    }
  }
}

/** A listener typed to return void may still be async; keep its rejection from going unhandled. */
function settleQuietly(result: unknown): void {
  if (result instanceof Promise) result.catch(() => undefined);
}
