import type { ChatCompletion } from 'openai/resources/chat/completions';
import { InvalidVendorResponseError } from './mapping-errors';
import { toChatResponse, toUsage } from './response.mapper';

function completion(overrides: Partial<ChatCompletion> = {}): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini-2024-07-18',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'hello', refusal: null },
        logprobs: null,
        finish_reason: 'stop',
      },
    ],
    usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    ...overrides,
  };
}

describe('toChatResponse', () => {
  it('maps a text completion with usage', () => {
    expect(toChatResponse(completion())).toStrictEqual({
      id: 'chatcmpl-1',
      created: 1_700_000_000,
      model: 'gpt-4o-mini-2024-07-18',
      choices: [{ index: 0, message: { role: 'assistant', content: 'hello' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    });
  });

  it('maps function tool calls and drops custom ones', () => {
    const response = toChatResponse(
      completion({
        choices: [
          {
            index: 0,
            message: {
              role: 'assistant',
              content: null,
              refusal: null,
              tool_calls: [
                { id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } },
                { id: 'call_2', type: 'custom', custom: { name: 'free', input: 'x' } },
              ],
            },
            logprobs: null,
            finish_reason: 'tool_calls',
          },
        ],
      }),
    );

    expect(response.choices[0]).toStrictEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":1}' } }],
      },
      finish_reason: 'tool_calls',
    });
  });

  it('keeps a refusal as the answer text and maps the legacy function_call reason', () => {
    const response = toChatResponse(
      completion({
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content: null, refusal: 'I cannot help with that.' },
            logprobs: null,
            finish_reason: 'function_call',
          },
        ],
      }),
    );

    expect(response.choices[0].message.content).toBe('I cannot help with that.');
    expect(response.choices[0].finish_reason).toBe('tool_calls');
  });

  it('accounts missing usage as zero', () => {
    expect(toChatResponse(completion({ usage: undefined })).usage).toStrictEqual({
      prompt_tokens: 0,
      completion_tokens: 0,
      total_tokens: 0,
    });
    expect(toUsage({ prompt_tokens: 3, completion_tokens: 4 } as never)).toStrictEqual({
      prompt_tokens: 3,
      completion_tokens: 4,
      total_tokens: 7,
    });
  });

  it('rejects a 200 that is not a chat completion', () => {
    expect(() => toChatResponse('<html>proxy error</html>' as unknown as ChatCompletion)).toThrow(
      InvalidVendorResponseError,
    );
    expect(() => toChatResponse(completion({ choices: [] }))).toThrow('no choices');
  });
});
