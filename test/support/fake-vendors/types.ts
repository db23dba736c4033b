import type { IncomingMessage, ServerResponse } from 'node:http';

export type Vendor = 'openai' | 'azure' | 'anthropic' | 'bedrock';

export interface FakeToolCall {
  id?: string;
  name: string;
  arguments: string;
}

export type FakeBehaviour =
  | {
      kind: 'ok';
      text?: string;
      toolCalls?: FakeToolCall[];
      usage?: { input: number; output: number };
      finish?: 'stop' | 'length' | 'tool_calls';
      /** Streams: pause this long before each content chunk (ends early when the client hangs up). */
      chunkDelayMs?: number;
    }
  /** Vendor-shaped error body with this status; a Retry-After header when given. */
  | { kind: 'status'; status: number; retryAfter?: string; message?: string }
  /** Server core: wait (stop early if the client disconnects), then apply `then` (default ok). */
  | { kind: 'delay'; ms: number; then?: FakeBehaviour }
  /** Server core: destroy the socket without any response. */
  | { kind: 'reset' }
  /** Vendor handler: send that many content chunks, then destroy the socket. */
  | { kind: 'stream-die'; afterChunks: number }
  /** Vendor handler: 200 with a body or stream frame the SDK cannot parse. */
  | { kind: 'malformed' }
  /** Server core: exactly this status, content type and body, whatever was asked (a proxy's HTML page, a body of the wrong shape). */
  | { kind: 'raw'; status: number; body: string; contentType?: string };

export interface RecordedCall {
  vendor: Vendor;
  method: string;
  /** Request target as received, query string included. */
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  /** True once the client closed the connection before the response finished. */
  aborted: boolean;
}

export interface FakeExchange {
  req: IncomingMessage;
  res: ServerResponse;
  /** Parsed JSON request body (undefined when empty, the raw text when not JSON). */
  body: unknown;
  /** Route parameters, URL-decoded: { deployment } for azure, { modelId } for bedrock. */
  params: Record<string, string>;
  behaviour: Exclude<FakeBehaviour, { kind: 'delay' } | { kind: 'reset' } | { kind: 'raw' }>;
  call: RecordedCall;
}

export type VendorHandler = (exchange: FakeExchange) => Promise<void>;

export type OkBehaviour = Extract<FakeBehaviour, { kind: 'ok' }>;
export type StatusBehaviour = Extract<FakeBehaviour, { kind: 'status' }>;

// Every vendor handler answers with the same defaults; see helpers.ts.
export {
  defaultReplyText,
  estimateTokens,
  planReply,
  summariseConversation,
  textOf,
  type ConversationSummary,
  type PlannedReply,
  type PlannedToolCall,
} from './helpers';
