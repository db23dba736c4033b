import type { ChatRequest } from '../../core';
import { UnmappableRequestError } from './mapping-errors';
import { toChatCompletionParams, toStreamingParams, type RequestMapperOptions } from './request.mapper';

const openAi: RequestMapperOptions = { maxTokensField: 'max_completion_tokens' };
const compatible: RequestMapperOptions = { maxTokensField: 'max_tokens' };

function request(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], ...overrides };
}

describe('toChatCompletionParams', () => {
  it('sends only the fields the request sets', () => {
    const params = toChatCompletionParams(request(), openAi);

    expect(params).toStrictEqual({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] });
    expect(JSON.stringify(params)).toBe(
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}',
    );
  });

  it('maps every sampling and output option', () => {
    const params = toChatCompletionParams(
      request({
        temperature: 0.2,
        top_p: 0.9,
        max_tokens: 64,
        stop: ['END'],
        user: 'user-7',
        seed: 42,
        response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
      }),
      openAi,
    );

    expect(params).toStrictEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0.2,
      top_p: 0.9,
      max_completion_tokens: 64,
      stop: ['END'],
      user: 'user-7',
      seed: 42,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
    });
  });

  it('uses max_tokens for OpenAI-compatible servers', () => {
    const params = toChatCompletionParams(request({ max_tokens: 10 }), compatible);

    expect(params.max_tokens).toBe(10);
    expect(params).not.toHaveProperty('max_completion_tokens');
  });

  it('omits empty stop and tool lists', () => {
    const params = toChatCompletionParams(request({ stop: [], tools: [] }), openAi);

    expect(params).not.toHaveProperty('stop');
    expect(params).not.toHaveProperty('tools');
  });

  it('maps tool definitions and tool choice', () => {
    const params = toChatCompletionParams(
      request({
        tools: [
          {
            type: 'function',
            function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object' } },
          },
          { type: 'function', function: { name: 'now' } },
        ],
        tool_choice: { type: 'function', function: { name: 'get_weather' } },
      }),
      openAi,
    );

    expect(params.tools).toStrictEqual([
      {
        type: 'function',
        function: { name: 'get_weather', description: 'Weather now', parameters: { type: 'object' } },
      },
      { type: 'function', function: { name: 'now' } },
    ]);
    expect(params.tool_choice).toStrictEqual({ type: 'function', function: { name: 'get_weather' } });
  });

  it('maps a whole tool conversation: system, images, tool calls and tool results', () => {
    const params = toChatCompletionParams(
      request({
        messages: [
          { role: 'system', content: 'be brief' },
          {
            role: 'user',
            name: 'ana',
            content: [
              { type: 'text', text: 'what is this?' },
              { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
              { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
            ],
          },
          {
            role: 'assistant',
            content: null,
            tool_calls: [
              { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
            ],
          },
          { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'a cat' }] },
          { role: 'assistant', content: 'A cat.' },
        ],
      }),
      openAi,
    );

    expect(params.messages).toStrictEqual([
      { role: 'system', content: 'be brief' },
      {
        role: 'user',
        name: 'ana',
        content: [
          { type: 'text', text: 'what is this?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"cat"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: [{ type: 'text', text: 'a cat' }] },
      { role: 'assistant', content: 'A cat.' },
    ]);
  });

  it('sends empty text, not null, for an assistant message without tool calls', () => {
    const params = toChatCompletionParams(
      request({ messages: [{ role: 'assistant', content: null }] }),
      openAi,
    );

    expect(params.messages).toStrictEqual([{ role: 'assistant', content: '' }]);
  });

  it('refuses what the OpenAI format cannot carry', () => {
    expect(() =>
      toChatCompletionParams(request({ messages: [{ role: 'tool', content: 'orphan' }] }), openAi),
    ).toThrow(UnmappableRequestError);
    expect(() =>
      toChatCompletionParams(
        request({
          messages: [
            { role: 'system', content: [{ type: 'image_url', image_url: { url: 'https://x/y.png' } }] },
          ],
        }),
        openAi,
      ),
    ).toThrow('system messages can only carry text parts');
  });
});

describe('toStreamingParams', () => {
  it('asks for a stream with usage', () => {
    expect(toStreamingParams(request({ temperature: 0 }), openAi)).toStrictEqual({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
      stream: true,
      stream_options: { include_usage: true },
    });
  });
});
