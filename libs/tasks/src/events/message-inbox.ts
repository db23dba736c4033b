/** Messages pushed by a subscription, taken one at a time by a single reader that may wait a bounded time. */
export class MessageInbox {
  private readonly messages: string[] = [];
  private wake?: () => void;

  push(message: string): void {
    this.messages.push(message);
    this.wake?.();
  }

  /** The next message, or undefined when none came within `timeoutMs` or the signal fired. */
  async next(timeoutMs: number, signal: AbortSignal): Promise<string | undefined> {
    if (this.messages.length === 0 && !signal.aborted) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          this.wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, timeoutMs);
        signal.addEventListener('abort', done);
        this.wake = done;
      });
    }
    return this.messages.shift();
  }
}
