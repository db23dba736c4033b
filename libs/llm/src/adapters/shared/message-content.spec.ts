import {
  answeredToolCallId,
  jsonSchemaInstruction,
  parseDataUrl,
  parseToolArguments,
  textOf,
  toolCallInput,
} from './message-content';
import { RequestMappingError } from './request-mapping-error';

describe('message content helpers', () => {
  it('parses base64 data URLs, with or without extra parameters, and nothing else', () => {
    expect(parseDataUrl('data:image/PNG;base64,AAAA')).toEqual({ mediaType: 'image/png', base64: 'AAAA' });
    expect(parseDataUrl('data:image/jpeg;name=a.jpg;base64,/9j/')).toEqual({
      mediaType: 'image/jpeg',
      base64: '/9j/',
    });
    expect(parseDataUrl('data:text/plain,hello')).toBeUndefined();
    expect(parseDataUrl('https://example.com/a.png')).toBeUndefined();
  });

  it('joins the text parts of a message and skips images', () => {
    expect(textOf(null)).toBe('');
    expect(textOf('plain')).toBe('plain');
    expect(
      textOf([
        { type: 'text', text: 'a' },
        { type: 'image_url', image_url: { url: 'https://x/y.png' } },
        { type: 'text', text: 'b' },
      ]),
    ).toBe('a\nb');
  });

  it('parses tool arguments into an object, or undefined when they are not one', () => {
    expect(parseToolArguments('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
    expect(parseToolArguments('  ')).toEqual({});
    expect(parseToolArguments('[]')).toBeUndefined();
    expect(parseToolArguments('null')).toBeUndefined();
    expect(parseToolArguments('{"a":')).toBeUndefined();
  });

  it('gives a tool call its arguments as an object, or a RequestMappingError naming the call', () => {
    const call = (args: string) => ({
      id: 'c1',
      type: 'function' as const,
      function: { name: 'f', arguments: args },
    });
    expect(toolCallInput(call('{"city":"Paris"}'))).toEqual({ city: 'Paris' });
    expect(() => toolCallInput(call('[1,'))).toThrow(RequestMappingError);
    expect(() => toolCallInput(call('[1,'))).toThrow('arguments of tool call c1 are not a JSON object');
  });

  it('gives the call a tool message answers, or a RequestMappingError when it names none', () => {
    expect(answeredToolCallId({ role: 'tool', tool_call_id: 't1', content: 'x' })).toBe('t1');
    expect(() => answeredToolCallId({ role: 'tool', content: 'x' })).toThrow(RequestMappingError);
    expect(() => answeredToolCallId({ role: 'tool', content: 'x' })).toThrow(
      'tool message without tool_call_id',
    );
  });

  it('puts the schema into the JSON instruction when there is one', () => {
    expect(
      jsonSchemaInstruction({ type: 'json_schema', json_schema: { name: 'x', schema: { type: 'object' } } }),
    ).toMatch(/conform to this JSON schema: \{"type":"object"\}$/);
    expect(jsonSchemaInstruction({ type: 'json_schema', json_schema: { name: 'x' } })).not.toMatch(/schema:/);
  });
});
