import type { ChatRequest } from '../../core/chat.types';
import { RequestMappingError } from '../shared/request-mapping-error';
import {
  WEATHER_CALL_TURNS,
  WEATHER_TOOL,
  requestFor,
  toolCallWithArguments,
} from '../shared/testing/request-fixtures';
import { toConverseRequest, toConverseStreamInput } from './request.mapper';

const request = requestFor('anthropic.claude-x-v1:0');

describe('toConverseRequest', () => {
  it('moves system messages into system blocks and merges consecutive same-role turns', () => {
    const input = toConverseRequest(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Q1' },
          { role: 'user', content: [{ type: 'text', text: 'Q1b' }] },
          { role: 'assistant', content: '' },
          { role: 'system', content: 'Use French.' },
          { role: 'assistant', content: 'A1' },
        ],
      }),
    );
    expect(input.modelId).toBe('anthropic.claude-x-v1:0');
    expect(input.system).toEqual([{ text: 'Be brief.' }, { text: 'Use French.' }]);
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'Q1' }, { text: 'Q1b' }] },
      { role: 'assistant', content: [{ text: 'A1' }] },
    ]);
  });

  it('maps inference settings only when given, the default max tokens when the request has none', () => {
    expect(toConverseRequest(request({})).inferenceConfig).toBeUndefined();
    expect(toConverseRequest(request({}), { defaultMaxTokens: 2048 }).inferenceConfig).toEqual({
      maxTokens: 2048,
    });
    expect(
      toConverseRequest(request({ max_tokens: 5, temperature: 0, top_p: 0.5, stop: ['a', ''] }), {
        defaultMaxTokens: 2048,
      }).inferenceConfig,
    ).toEqual({ maxTokens: 5, temperature: 0, topP: 0.5, stopSequences: ['a'] });
  });

  it('passes the caller as request metadata', () => {
    expect(toConverseRequest(request({ user: 'alice' })).requestMetadata).toEqual({ user: 'alice' });
  });

  it('maps tools and each tool_choice', () => {
    const config = (tool_choice: ChatRequest['tool_choice']) =>
      toConverseRequest(request({ tools: [WEATHER_TOOL], tool_choice })).toolConfig;
    expect(config(undefined)).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'get_weather',
            description: 'Weather',
            inputSchema: { json: { type: 'object', properties: { city: { type: 'string' } } } },
          },
        },
      ],
    });
    expect(config('auto')?.toolChoice).toEqual({ auto: {} });
    expect(config('required')?.toolChoice).toEqual({ any: {} });
    expect(config({ type: 'function', function: { name: 'get_weather' } })?.toolChoice).toEqual({
      tool: { name: 'get_weather' },
    });
    expect(config('none')).toBeUndefined();
  });

  it('keeps tools for tool_choice none when the conversation already holds tool blocks (Converse requires them)', () => {
    const input = toConverseRequest(
      request({
        tools: [WEATHER_TOOL],
        tool_choice: 'none',
        messages: [
          { role: 'user', content: 'x' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c', content: 'ok' },
        ],
      }),
    );
    expect(input.toolConfig?.tools).toHaveLength(1);
    expect(input.toolConfig?.toolChoice).toBeUndefined();
  });

  it('turns tool calls into toolUse blocks and tool messages into toolResult blocks of a user turn', () => {
    const input = toConverseRequest(
      request({
        messages: [
          ...WEATHER_CALL_TURNS,
          { role: 'tool', tool_call_id: 'c1', content: '-3C' },
          { role: 'tool', tool_call_id: 'c2', content: '' },
        ],
      }),
    );
    expect(input.messages).toEqual([
      { role: 'user', content: [{ text: 'weather?' }] },
      {
        role: 'assistant',
        content: [
          { text: 'Checking.' },
          { toolUse: { toolUseId: 'c1', name: 'get_weather', input: { city: 'Oslo' } } },
        ],
      },
      {
        role: 'user',
        content: [
          { toolResult: { toolUseId: 'c1', content: [{ text: '-3C' }] } },
          { toolResult: { toolUseId: 'c2', content: [] } },
        ],
      },
    ]);
  });

  it('refuses tool arguments that are not a JSON object and tool messages without an id', () => {
    const call = request({ messages: toolCallWithArguments('"str"') });
    expect(() => toConverseRequest(call)).toThrow(RequestMappingError);
    expect(() => toConverseRequest(request({ messages: [{ role: 'tool', content: 'x' }] }))).toThrow(
      RequestMappingError,
    );
  });

  it('maps data: images to bytes and s3:// images to s3 locations; refuses http URLs', () => {
    const image = (url: string) =>
      request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
    const inline = toConverseRequest(image('data:image/webp;base64,AQID')).messages![0].content![0];
    expect(inline.image?.format).toBe('webp');
    expect(Buffer.from(inline.image?.source?.bytes ?? []).toJSON().data).toEqual([1, 2, 3]);
    expect(toConverseRequest(image('s3://bucket/pics/cat.JPG')).messages![0].content![0]).toEqual({
      image: { format: 'jpeg', source: { s3Location: { uri: 's3://bucket/pics/cat.JPG' } } },
    });
    expect(() => toConverseRequest(image('https://example.com/a.png'))).toThrow('data: URLs or s3:// URLs');
    expect(() => toConverseRequest(image('data:image/tiff;base64,AA=='))).toThrow('image/tiff');
  });

  it('maps json_schema to structured output and json_object to a system instruction', () => {
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    const structured = toConverseRequest(
      request({ response_format: { type: 'json_schema', json_schema: { name: 'n', schema } } }),
    );
    expect(structured.outputConfig).toEqual({
      textFormat: {
        type: 'json_schema',
        structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'n' } },
      },
    });
    expect(structured.system).toBeUndefined();
    expect(toConverseRequest(request({ response_format: { type: 'json_object' } })).system).toEqual([
      { text: expect.stringMatching(/^Respond with a single valid JSON object/) },
    ]);
  });
});

describe('toConverseStreamInput', () => {
  it('has no structured output, so json_schema becomes a system instruction carrying the schema', () => {
    const schema = { type: 'object', required: ['n'] };
    const input = toConverseStreamInput(
      request({ response_format: { type: 'json_schema', json_schema: { name: 'n', schema } } }),
    );
    expect(input).not.toHaveProperty('outputConfig');
    expect(input.system).toEqual([{ text: expect.stringContaining('{"type":"object","required":["n"]}') }]);
  });
});
