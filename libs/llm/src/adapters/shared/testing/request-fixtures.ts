import type { ChatMessage, ChatRequest, ToolDefinition } from '../../../core/chat.types';

/** Requests shared by the request-mapper specs of the adapters. */

export const WEATHER_TOOL: ToolDefinition = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather',
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};

/** Builds requests for `model`, one user message `hi` unless overridden. */
export function requestFor(model: string): (overrides: Partial<ChatRequest>) => ChatRequest {
  return (overrides) => ({ model, messages: [{ role: 'user', content: 'hi' }], ...overrides });
}

/** A question, and the assistant's reply that says `Checking.` and calls get_weather (id c1) for Oslo. */
export const WEATHER_CALL_TURNS: ChatMessage[] = [
  { role: 'user', content: 'weather?' },
  {
    role: 'assistant',
    content: 'Checking.',
    tool_calls: [
      { id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
    ],
  },
];

/** A question, and the assistant's reply calling tool `f` (id c) with these raw arguments. */
export function toolCallWithArguments(args: string): ChatMessage[] {
  return [
    { role: 'user', content: 'x' },
    {
      role: 'assistant',
      content: null,
      tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: args } }],
    },
  ];
}
