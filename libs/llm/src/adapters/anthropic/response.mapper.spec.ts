import type { Message } from '@anthropic-ai/sdk/resources/messages';
import { assistantChoice, functionCall } from '../shared/testing/response-fixtures';
import { fromAnthropicMessage, toUsage } from './response.mapper';

function message(overrides: Partial<Message>): Message {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-x',
    content: [],
    container: null,
    diagnostics: null,
    stop_details: null,
    stop_reason: 'end_turn',
    stop_sequence: null,
    usage: {
      input_tokens: 10,
      output_tokens: 4,
      cache_creation_input_tokens: null,
      cache_read_input_tokens: null,
      cache_creation: null,
      inference_geo: null,
      output_tokens_details: null,
      server_tool_use: null,
      service_tier: 'standard',
      speed: null,
    },
    ...overrides,
  };
}

describe('fromAnthropicMessage', () => {
  it('joins text blocks and maps id, model, created, finish reason and usage', () => {
    const response = fromAnthropicMessage(
      message({
        content: [
          { type: 'text', text: 'Hello, ', citations: null },
          { type: 'text', text: 'world', citations: null },
        ],
      }),
      1_700_000_000_500,
    );
    expect(response).toEqual({
      id: 'msg_1',
      created: 1_700_000_000,
      model: 'claude-x',
      choices: [assistantChoice('Hello, world', 'stop')],
      usage: { prompt_tokens: 10, completion_tokens: 4, total_tokens: 14 },
    });
  });

  it('maps tool_use blocks to tool_calls with JSON arguments, content null when there is no text', () => {
    const response = fromAnthropicMessage(
      message({
        stop_reason: 'tool_use',
        content: [
          {
            type: 'tool_use',
            id: 'toolu_1',
            name: 'lookup',
            input: { q: 'a', n: 2 },
          } as Message['content'][number],
          { type: 'thinking', thinking: 'hmm', signature: 'sig' } as Message['content'][number],
        ],
      }),
    );
    expect(response.choices[0]).toEqual(
      assistantChoice(null, 'tool_calls', [functionCall('toolu_1', 'lookup', '{"q":"a","n":2}')]),
    );
  });
});

describe('toUsage', () => {
  it('counts cache writes and reads as prompt tokens', () => {
    expect(
      toUsage({
        input_tokens: 5,
        output_tokens: 7,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 1000,
      }),
    ).toEqual({
      prompt_tokens: 1105,
      completion_tokens: 7,
      total_tokens: 1112,
    });
  });
});
