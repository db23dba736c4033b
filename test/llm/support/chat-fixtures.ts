import type { ChatRequest, ChatResponse } from '@app/llm/core';
import type { FakeToolCall } from '../../support/fake-vendors';

/** Request fixtures shared by the vendor adapter e2e specs. */

export const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** Builds requests for `model`: a terse system prompt and one user turn, with any field overridden. */
export function chatFor(model: string): (overrides?: Partial<ChatRequest>) => ChatRequest {
  return (overrides = {}) => ({
    model,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'hello there' },
    ],
    ...overrides,
  });
}

/**
 * An earlier turn in which the assistant (saying `assistantText`) called two tools, ids `${idPrefix}a` and
 * `${idPrefix}b`, their results, and a follow-up question.
 */
export function toolConversation(idPrefix: string, assistantText: string | null): ChatRequest['messages'] {
  const [paris, rome] = [`${idPrefix}a`, `${idPrefix}b`];
  return [
    { role: 'system', content: 'Use tools.' },
    { role: 'user', content: 'Weather in Paris and Rome?' },
    {
      role: 'assistant',
      content: assistantText,
      tool_calls: [
        { id: paris, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
        { id: rome, type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
      ],
    },
    { role: 'tool', tool_call_id: paris, content: 'sunny' },
    { role: 'tool', tool_call_id: rome, content: 'rainy' },
    { role: 'user', content: 'And tomorrow?' },
  ];
}

/** A tool call the fake vendor can be scripted to answer with. */
export function weatherToolCall(id: string): Required<FakeToolCall> {
  return { id, name: 'get_weather', arguments: '{"city":"Paris","day":"tomorrow"}' };
}

/** The first choice of a reply whose only content is `call`. */
export function toolCallChoice(call: Required<FakeToolCall>): ChatResponse['choices'][number] {
  return {
    index: 0,
    message: {
      role: 'assistant',
      content: null,
      tool_calls: [
        { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } },
      ],
    },
    finish_reason: 'tool_calls',
  };
}
