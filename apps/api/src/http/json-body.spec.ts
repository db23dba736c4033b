import fc from 'fast-check';
import { hasUnstorableString, jsonNestingExceeds } from './json-body';

/** Reference: the real depth of a parsed value. */
function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

describe('jsonNestingExceeds', () => {
  it('finds deep arrays and objects, however long the text', () => {
    expect(jsonNestingExceeds(`${'['.repeat(101)}${']'.repeat(101)}`, 100)).toBe(true);
    expect(jsonNestingExceeds(`${'['.repeat(100)}${']'.repeat(100)}`, 100)).toBe(false);
    expect(jsonNestingExceeds(`${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`, 100)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ content: `${'['.repeat(500)} \\" "${'{'.repeat(500)}` });
    expect(jsonNestingExceeds(text, 100)).toBe(false);
    expect(jsonNestingExceeds(`["\\\\", ${'['.repeat(200)}${']'.repeat(200)}]`, 100)).toBe(true);
  });

  it('agrees with the depth of the parsed value', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 12 }), fc.integer({ min: 0, max: 12 }), (value, max) => {
        const text = JSON.stringify(value);
        expect(jsonNestingExceeds(text, max)).toBe(text.length > max && depthOf(value) > max);
      }),
      { numRuns: 500 },
    );
  });
});

describe('hasUnstorableString', () => {
  const check = (text: string): boolean => hasUnstorableString(text, JSON.parse(text) as unknown);

  it('finds a lone high or low surrogate in values and keys, however deep', () => {
    expect(check('{"model":"\\ud800"}')).toBe(true);
    expect(check('{"a":[{"b":"x\\uDC00y"}]}')).toBe(true);
    expect(check('{"\\ud83d":1}')).toBe(true);
    expect(check('["\\ude00\\ud83d"]')).toBe(true);
  });

  it('finds a NUL character written as \\u0000', () => {
    expect(check('{"content":"a\\u0000b"}')).toBe(true);
    expect(check('{"content":"\\\\u0000 is escaped text"}')).toBe(false);
  });

  it('accepts pairs written as escapes, raw emoji and text without escapes', () => {
    expect(check('{"content":"\\ud83d\\ude00"}')).toBe(false);
    expect(check(JSON.stringify({ content: 'smile 😀', n: 1 }))).toBe(false);
    expect(check('{"content":"\\u00e9 \\\\ud800 is escaped text"}')).toBe(false);
  });

  it('agrees with String.prototype.isWellFormed (and no NUL) on any string', () => {
    // Node 24 has isWellFormed; the ES2023 lib this project compiles against does not declare it yet.
    const wellFormed = (s: string): boolean => (s as string & { isWellFormed(): boolean }).isWellFormed();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (value) => {
        const text = JSON.stringify({ value });
        expect(hasUnstorableString(text, { value })).toBe(!wellFormed(value) || value.includes('\0'));
      }),
      { numRuns: 1_000 },
    );
  });
});
