import type { PlannedReply } from './helpers';
import type { StatusBehaviour } from './types';

/** Identity of one completion, shared by its JSON body or every chunk of its stream. */
export interface CompletionIdentity {
  id: string;
  created: number;
  model: string;
}

export function usageBody(usage: PlannedReply['usage']): Record<string, unknown> {
  return {
    prompt_tokens: usage.input,
    completion_tokens: usage.output,
    total_tokens: usage.input + usage.output,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: 0,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

export function completionBody(identity: CompletionIdentity, reply: PlannedReply): Record<string, unknown> {
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: reply.text === '' && reply.toolCalls.length > 0 ? null : reply.text,
    refusal: null,
    annotations: [],
  };
  if (reply.toolCalls.length > 0) {
    message.tool_calls = reply.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return {
    ...identity,
    object: 'chat.completion',
    choices: [{ index: 0, message, logprobs: null, finish_reason: reply.finish }],
    usage: usageBody(reply.usage),
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

const ERROR_KINDS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'invalid_request_error', code: 'invalid_api_key' },
  403: { type: 'invalid_request_error', code: 'unsupported_country_region_territory' },
  404: { type: 'invalid_request_error', code: 'model_not_found' },
  429: { type: 'requests', code: 'rate_limit_exceeded' },
};

export function errorBody(behaviour: StatusBehaviour): Record<string, unknown> {
  const kind = ERROR_KINDS[behaviour.status] ?? {
    type: behaviour.status >= 500 ? 'server_error' : 'invalid_request_error',
    code: null,
  };
  return {
    error: {
      message: behaviour.message ?? `fake openai error with status ${behaviour.status}`,
      type: kind.type,
      param: null,
      code: kind.code,
    },
  };
}
