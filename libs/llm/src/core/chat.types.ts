/**
 * The one internal chat shape, modelled on OpenAI chat completions. Every adapter maps its vendor's wire
 * format to and from these types; everything above the adapters (router, chat service, API) sees only them.
 */
export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image_url';
  image_url: { url: string; detail?: 'auto' | 'low' | 'high' };
}

export type ContentPart = TextPart | ImagePart;

export interface ToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

export interface ChatMessage {
  role: ChatRole;
  content: string | ContentPart[] | null;
  name?: string;
  /** assistant messages that called tools */
  tool_calls?: ToolCall[];
  /** tool messages: the call this result answers */
  tool_call_id?: string;
}

export interface ToolDefinition {
  type: 'function';
  function: { name: string; description?: string; parameters?: Record<string, unknown> };
}

export type ToolChoice = 'none' | 'auto' | 'required' | { type: 'function'; function: { name: string } };

export type ResponseFormat =
  | { type: 'text' }
  | { type: 'json_object' }
  | {
      type: 'json_schema';
      json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean };
    };

export interface ChatRequest {
  /** Public model name or group alias at the API; the vendor's model id once it reaches an adapter. */
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  stop?: string[];
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  response_format?: ResponseFormat;
  user?: string;
  seed?: number;
}

export type FinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatChoice {
  index: number;
  message: { role: 'assistant'; content: string | null; tool_calls?: ToolCall[] };
  finish_reason: FinishReason;
}

export interface ChatResponse {
  id: string;
  /** unix seconds */
  created: number;
  /** the model id the vendor reports */
  model: string;
  choices: ChatChoice[];
  usage: Usage;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: 'function';
  function?: { name?: string; arguments?: string };
}

export interface ChatChunkChoice {
  index: number;
  delta: { role?: 'assistant'; content?: string; tool_calls?: ToolCallDelta[] };
  finish_reason: FinishReason | null;
}

export interface ChatChunk {
  id: string;
  created: number;
  model: string;
  choices: ChatChunkChoice[];
  /** present on the last chunk when the vendor reports usage for the stream */
  usage?: Usage;
}
