import { canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts object keys at every depth, so key order never matters', () => {
    const a = {
      model: 'm',
      params: { top_p: 1, temperature: 0 },
      messages: [{ role: 'user', content: 'x' }],
    };
    const b = {
      messages: [{ content: 'x', role: 'user' }],
      params: { temperature: 0, top_p: 1 },
      model: 'm',
    };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe(
      '{"messages":[{"content":"x","role":"user"}],"model":"m","params":{"temperature":0,"top_p":1}}',
    );
  });

  it('keeps array order, which carries meaning', () => {
    expect(canonicalJson(['a', 'b'])).not.toBe(canonicalJson(['b', 'a']));
  });

  it('leaves undefined members out, like JSON.stringify, and writes null as null', () => {
    expect(canonicalJson({ a: undefined, b: null, c: [undefined] })).toBe('{"b":null,"c":[null]}');
  });

  it('escapes strings and keys as JSON does', () => {
    expect(canonicalJson({ 'a"b': 'line\nbreak' })).toBe('{"a\\"b":"line\\nbreak"}');
  });
});
