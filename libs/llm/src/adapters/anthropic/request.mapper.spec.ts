import type { ChatRequest } from '../../core/chat.types';
import { RequestMappingError } from '../shared/request-mapping-error';
import {
  WEATHER_CALL_TURNS,
  WEATHER_TOOL,
  requestFor,
  toolCallWithArguments,
} from '../shared/testing/request-fixtures';
import { DEFAULT_MAX_TOKENS, toAnthropicRequest } from './request.mapper';

const request = requestFor('claude-x');

describe('toAnthropicRequest', () => {
  it('moves every system message into `system` and keeps user/assistant turns in order', () => {
    const params = toAnthropicRequest(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: 'Q1' },
          { role: 'assistant', content: 'A1' },
          { role: 'system', content: [{ type: 'text', text: 'Use French.' }] },
          { role: 'user', content: 'Q2' },
        ],
      }),
    );
    expect(params.system).toBe('Be brief.\n\nUse French.');
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Q1' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'A1' }] },
      { role: 'user', content: [{ type: 'text', text: 'Q2' }] },
    ]);
  });

  it('merges consecutive same-role messages and drops empty ones', () => {
    const params = toAnthropicRequest(
      request({
        messages: [
          { role: 'user', content: 'one' },
          { role: 'assistant', content: '' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'two' },
              { type: 'text', text: '' },
            ],
          },
        ],
      }),
    );
    expect(params.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'one' },
          { type: 'text', text: 'two' },
        ],
      },
    ]);
  });

  it('defaults max_tokens, and the caller value wins', () => {
    expect(toAnthropicRequest(request({})).max_tokens).toBe(DEFAULT_MAX_TOKENS);
    expect(toAnthropicRequest(request({}), 2048).max_tokens).toBe(2048);
    expect(toAnthropicRequest(request({ max_tokens: 10 }), 2048).max_tokens).toBe(10);
  });

  it('drops sampling parameters, which API version 2026-10-21 rejects, and maps stop and user', () => {
    const params = toAnthropicRequest(
      request({ temperature: 0.2, top_p: 0.5, stop: ['###', ''], user: 'alice', seed: 7 }),
    );
    expect(params).toEqual({
      model: 'claude-x',
      max_tokens: DEFAULT_MAX_TOKENS,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stop_sequences: ['###'],
      metadata: { user_id: 'alice' },
    });
  });

  it('maps tools and each tool_choice', () => {
    const withChoice = (tool_choice: ChatRequest['tool_choice']) =>
      toAnthropicRequest(request({ tools: [WEATHER_TOOL], tool_choice })).tool_choice;
    expect(toAnthropicRequest(request({ tools: [WEATHER_TOOL] })).tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather',
        input_schema: { type: 'object', properties: { city: { type: 'string' } } },
      },
    ]);
    expect(withChoice(undefined)).toBeUndefined();
    expect(withChoice('auto')).toEqual({ type: 'auto' });
    expect(withChoice('required')).toEqual({ type: 'any' });
    expect(withChoice('none')).toEqual({ type: 'none' });
    expect(withChoice({ type: 'function', function: { name: 'get_weather' } })).toEqual({
      type: 'tool',
      name: 'get_weather',
    });
  });

  it('gives a tool without parameters an empty object schema, and sends no tool_choice without tools', () => {
    const params = toAnthropicRequest(request({ tools: [{ type: 'function', function: { name: 'now' } }] }));
    expect(params.tools).toEqual([{ name: 'now', input_schema: { type: 'object', properties: {} } }]);
    expect(toAnthropicRequest(request({ tool_choice: 'required' })).tool_choice).toBeUndefined();
  });

  it('turns assistant tool_calls into tool_use blocks and tool messages into tool_result blocks of a user turn', () => {
    const params = toAnthropicRequest(
      request({
        messages: [
          ...WEATHER_CALL_TURNS,
          { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: '-3C' }] },
        ],
      }),
    );
    expect(params.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'weather?' }] },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Checking.' },
          { type: 'tool_use', id: 'c1', name: 'get_weather', input: { city: 'Oslo' } },
        ],
      },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'c1', content: '-3C' }] },
    ]);
  });

  it('treats empty tool arguments as {} and refuses arguments that are not a JSON object', () => {
    const call = (args: string): ChatRequest => request({ messages: toolCallWithArguments(args) });
    expect(toAnthropicRequest(call('')).messages[1].content).toEqual([
      { type: 'tool_use', id: 'c', name: 'f', input: {} },
    ]);
    expect(() => toAnthropicRequest(call('[1,2]'))).toThrow(RequestMappingError);
    expect(() => toAnthropicRequest(call('{oops'))).toThrow('arguments of tool call c are not a JSON object');
  });

  it('refuses a tool message without tool_call_id', () => {
    expect(() => toAnthropicRequest(request({ messages: [{ role: 'tool', content: 'x' }] }))).toThrow(
      RequestMappingError,
    );
  });

  it('maps data: images to base64 sources and http(s) images to url sources', () => {
    const params = toAnthropicRequest(
      request({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image_url', image_url: { url: 'data:image/jpeg;base64,/9j/AAAA' } },
              { type: 'image_url', image_url: { url: 'https://img.example/a.png', detail: 'high' } },
            ],
          },
        ],
      }),
    );
    expect(params.messages[0].content).toEqual([
      { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: '/9j/AAAA' } },
      { type: 'image', source: { type: 'url', url: 'https://img.example/a.png' } },
    ]);
  });

  it('refuses images Anthropic cannot take', () => {
    const image = (url: string): ChatRequest =>
      request({ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url } }] }] });
    expect(() => toAnthropicRequest(image('data:image/bmp;base64,Qk0='))).toThrow(
      'image type image/bmp is not supported',
    );
    expect(() => toAnthropicRequest(image('ftp://host/a.png'))).toThrow(RequestMappingError);
  });

  it('appends a JSON instruction for json_object and maps json_schema to output_config', () => {
    const json = toAnthropicRequest(request({ response_format: { type: 'json_object' } }));
    expect(json.system).toMatch(/^Respond with a single valid JSON object/);
    const schema = { type: 'object', properties: { n: { type: 'number' } } };
    const structured = toAnthropicRequest(
      request({ response_format: { type: 'json_schema', json_schema: { name: 'n', schema } } }),
    );
    expect(structured.output_config).toEqual({ format: { type: 'json_schema', schema } });
    expect(structured.system).toBeUndefined();
  });
});
