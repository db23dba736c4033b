/** Fire-and-forget messages between processes (full mode) or between the containers of one process. */
export interface MessageBus {
  /** Best effort: a failure is the caller's to log, never a reason to fail the request. */
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is in place; call the returned function to end it. */
  subscribe(channel: string, onMessage: (message: string) => void): Promise<() => void>;
  close(): Promise<void>;
}

export const MESSAGE_BUS = Symbol('MESSAGE_BUS');
