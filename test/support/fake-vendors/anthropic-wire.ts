import type { PlannedReply, PlannedToolCall } from './helpers';
import type { StatusBehaviour } from './types';

/** Identity of one message, shared by its JSON body or its whole stream. */
export interface MessageIdentity {
  id: string;
  model: string;
}

const STOP_REASONS: Record<PlannedReply['finish'], string> = {
  stop: 'end_turn',
  length: 'max_tokens',
  tool_calls: 'tool_use',
};

export function stopReason(reply: PlannedReply): string {
  return STOP_REASONS[reply.finish];
}

export function usageBody(input: number, output: number): Record<string, unknown> {
  return {
    input_tokens: input,
    output_tokens: output,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: null,
    inference_geo: null,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    speed: null,
  };
}

/** Tool input is a JSON object on the wire; a scripted string that isn't one is sent as `{}`. */
export function toolInput(call: PlannedToolCall): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(call.arguments);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

export function messageBody(identity: MessageIdentity, reply: PlannedReply): Record<string, unknown> {
  const content: Record<string, unknown>[] = [];
  if (reply.text) content.push({ type: 'text', text: reply.text, citations: null });
  for (const call of reply.toolCalls)
    content.push({ type: 'tool_use', id: call.id, name: call.name, input: toolInput(call) });
  return {
    ...identity,
    type: 'message',
    role: 'assistant',
    content,
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason: stopReason(reply),
    stop_sequence: null,
    usage: usageBody(reply.usage.input, reply.usage.output),
  };
}

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  504: 'timeout_error',
  529: 'overloaded_error',
};

export function errorBody(behaviour: StatusBehaviour): Record<string, unknown> {
  const type =
    ERROR_TYPES[behaviour.status] ?? (behaviour.status >= 500 ? 'api_error' : 'invalid_request_error');
  return {
    type: 'error',
    error: { type, message: behaviour.message ?? `fake anthropic error with status ${behaviour.status}` },
    request_id: `req_fake_${behaviour.status}`,
  };
}
