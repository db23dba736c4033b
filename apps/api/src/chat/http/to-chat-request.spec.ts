import { plainToInstance } from 'class-transformer';
import { ChatCompletionRequestDto } from '../dto/chat-completion-request.dto';
import { LegacyCompletionRequestDto } from '../dto/legacy-completion-request.dto';
import { legacyToChatRequest, toChatRequest } from './to-chat-request';

const dto = (body: Record<string, unknown>): ChatCompletionRequestDto =>
  plainToInstance(ChatCompletionRequestDto, body);

describe('toChatRequest', () => {
  it('maps the OpenAI body to the internal request', () => {
    expect(
      toChatRequest(
        dto({
          model: 'gpt-4o',
          messages: [
            { role: 'developer', content: 'Rules.' },
            {
              role: 'user',
              name: 'ann',
              content: [
                { type: 'text', text: 'What is this?', cache_control: { type: 'ephemeral' } },
                { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
              ],
            },
            {
              role: 'assistant',
              content: null,
              tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
            },
            { role: 'tool', tool_call_id: 'c1', content: 'result' },
          ],
          temperature: 0.2,
          top_p: 0.9,
          stop: 'END',
          seed: 3,
          user: 'u-1',
          tools: [
            {
              type: 'function',
              function: { name: 'f', description: 'd', parameters: { type: 'object' }, strict: true },
            },
          ],
          tool_choice: { type: 'function', function: { name: 'f' } },
          response_format: {
            type: 'json_schema',
            json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
          },
        }),
      ),
    ).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Rules.' },
        {
          role: 'user',
          name: 'ann',
          content: [
            { type: 'text', text: 'What is this?' },
            { type: 'image_url', image_url: { url: 'https://x/y.png', detail: 'low' } },
          ],
        },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: 'result' },
      ],
      temperature: 0.2,
      top_p: 0.9,
      stop: ['END'],
      seed: 3,
      user: 'u-1',
      tools: [
        { type: 'function', function: { name: 'f', description: 'd', parameters: { type: 'object' } } },
      ],
      tool_choice: { type: 'function', function: { name: 'f' } },
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'out', schema: { type: 'object' }, strict: true },
      },
    });
  });

  it('prefers max_completion_tokens, treats null as unset, drops what is only accepted', () => {
    expect(
      toChatRequest(
        dto({
          model: 'm',
          messages: [{ role: 'user', content: 'x' }],
          max_tokens: 10,
          max_completion_tokens: 20,
          temperature: null,
          presence_penalty: 1,
          frequency_penalty: 1,
          logit_bias: { '1': 2 },
          parallel_tool_calls: false,
          metadata: { a: 'b' },
          store: true,
          n: 1,
          stream: true,
          stream_options: { include_usage: true },
          tools: [],
        }),
      ),
    ).toEqual({ model: 'm', messages: [{ role: 'user', content: 'x' }], max_tokens: 20 });
  });
});

describe('legacyToChatRequest', () => {
  it('sends the prompt as the one user message, with max_tokens and temperature', () => {
    const body = plainToInstance(LegacyCompletionRequestDto, {
      prompt: 'Hello',
      provider: 'anthropic',
      max_tokens: 64,
      temperature: 0,
    });
    expect(legacyToChatRequest(body, 'claude')).toEqual({
      model: 'claude',
      messages: [{ role: 'user', content: 'Hello' }],
      max_tokens: 64,
      temperature: 0,
    });
    expect(legacyToChatRequest(plainToInstance(LegacyCompletionRequestDto, { prompt: 'x' }), 'm')).toEqual({
      model: 'm',
      messages: [{ role: 'user', content: 'x' }],
    });
  });
});
