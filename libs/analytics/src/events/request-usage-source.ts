/**
 * What analytics needs to know about one finished request. Structurally the chat service's
 * `ChatFinishedEvent` (@app/chat), plus the caller's API key and the route when the caller supplies them;
 * kept as its own type so analytics can also account for requests that do not go through ChatService.
 */
export interface AttemptSource {
  deploymentId: string;
  provider: string;
  vendorModel: string;
  ok: boolean;
  errorCode?: string;
  status?: number;
  latencyMs: number;
  ttftMs?: number;
}

export interface RequestUsageSource {
  /** The user the request is charged to. */
  callerId?: string;
  apiKeyId?: string;
  /** The HTTP request id, or the task id in a worker. */
  requestId?: string;
  /** e.g. `POST /v1/chat/completions`; defaults to the recorder's (api: `chat`, worker: `task`). */
  route?: string;
  requestedModel: string;
  model?: string;
  provider?: string;
  deploymentId?: string;
  stream: boolean;
  outcome: 'ok' | 'error' | 'aborted';
  cache: 'hit' | 'miss' | 'bypass';
  usage?: { prompt_tokens: number; completion_tokens: number };
  attempts: readonly AttemptSource[];
  durationMs: number;
  ttftMs?: number;
  error?: { code: string; status?: number };
}
