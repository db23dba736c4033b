import type { ServerResponse } from 'node:http';

export interface DisconnectSignal {
  signal: AbortSignal;
  /** Aborts for another reason (the api is shutting down): the upstream call is cancelled the same way. */
  abort(reason: unknown): void;
  /** Stop watching (the answer is complete). */
  dispose(): void;
}

/**
 * Aborts when the connection closes before the answer was fully written: the client went away, so the
 * upstream call is cancelled at once rather than run to completion for nobody.
 */
export function abortOnDisconnect(response: ServerResponse): DisconnectSignal {
  const controller = new AbortController();
  const onClose = (): void => {
    if (!response.writableFinished) controller.abort(new DOMException('client disconnected', 'AbortError'));
  };
  response.once('close', onClose);
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => response.off('close', onClose),
  };
}
