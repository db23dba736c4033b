import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { InvalidVendorResponseError } from './mapping-errors';
import { toChatChunk } from './stream.mapper';

const identity = {
  id: 'chatcmpl-9',
  object: 'chat.completion.chunk' as const,
  created: 1_700_000_001,
  model: 'gpt-4o',
};

function chunk(
  choices: ChatCompletionChunk['choices'],
  usage?: ChatCompletionChunk['usage'],
): ChatCompletionChunk {
  return { ...identity, choices, ...(usage === undefined ? {} : { usage }) };
}

describe('toChatChunk', () => {
  it('maps the opening role delta', () => {
    expect(
      toChatChunk(
        chunk([{ index: 0, delta: { role: 'assistant', content: '', refusal: null }, finish_reason: null }]),
      ),
    ).toStrictEqual({
      id: 'chatcmpl-9',
      created: 1_700_000_001,
      model: 'gpt-4o',
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
  });

  it('maps content and the finish reason', () => {
    expect(
      toChatChunk(chunk([{ index: 0, delta: { content: ' world' }, finish_reason: null }]))?.choices,
    ).toStrictEqual([{ index: 0, delta: { content: ' world' }, finish_reason: null }]);
    expect(toChatChunk(chunk([{ index: 0, delta: {}, finish_reason: 'length' }]))?.choices).toStrictEqual([
      { index: 0, delta: {}, finish_reason: 'length' },
    ]);
  });

  it('maps tool-call deltas: the opening one with id and name, then argument fragments', () => {
    const opening = toChatChunk(
      chunk([
        {
          index: 0,
          delta: {
            tool_calls: [
              { index: 1, id: 'call_b', type: 'function', function: { name: 'lookup', arguments: '' } },
            ],
          },
          finish_reason: null,
        },
      ]),
    );
    const fragment = toChatChunk(
      chunk([
        {
          index: 0,
          delta: { tool_calls: [{ index: 1, function: { arguments: '{"q":' } }] },
          finish_reason: null,
        },
      ]),
    );

    expect(opening?.choices[0].delta).toStrictEqual({
      tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'lookup', arguments: '' } }],
    });
    expect(fragment?.choices[0].delta).toStrictEqual({
      tool_calls: [{ index: 1, function: { arguments: '{"q":' } }],
    });
  });

  it('maps the usage chunk that has no choices', () => {
    expect(
      toChatChunk(chunk([], { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 })),
    ).toStrictEqual({
      id: 'chatcmpl-9',
      created: 1_700_000_001,
      model: 'gpt-4o',
      choices: [],
      usage: { prompt_tokens: 5, completion_tokens: 7, total_tokens: 12 },
    });
  });

  it("skips Azure's prompt-filter chunk and usage: null", () => {
    expect(toChatChunk({ id: '', object: '' as never, created: 0, model: '', choices: [] })).toBeUndefined();
    expect(toChatChunk(chunk([], null))).toBeUndefined();
  });

  it('turns a refusal delta into content', () => {
    expect(
      toChatChunk(chunk([{ index: 0, delta: { refusal: 'No.' }, finish_reason: null }]))?.choices[0].delta,
    ).toStrictEqual({
      content: 'No.',
    });
  });

  it('rejects an event that is not a chunk', () => {
    expect(() => toChatChunk({ error: 'x' } as unknown as ChatCompletionChunk)).toThrow(
      InvalidVendorResponseError,
    );
  });
});
