import { messageContentProblem, stopProblem, toolChoiceProblem } from './message-content';

describe('message content rules', () => {
  it('accepts text, text parts, and image parts in user messages', () => {
    expect(messageContentProblem('hi', { role: 'user' })).toBeUndefined();
    expect(messageContentProblem('', { role: 'assistant' })).toBeUndefined();
    expect(
      messageContentProblem(
        [
          { type: 'text', text: 'look' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,AAA', detail: 'high' } },
        ],
        { role: 'user' },
      ),
    ).toBeUndefined();
  });

  it('allows null content only next to tool calls', () => {
    expect(messageContentProblem(null, { role: 'assistant', tool_calls: [{}] })).toBeUndefined();
    expect(messageContentProblem(null, { role: 'assistant' })).toMatch(/^content must be/);
    expect(messageContentProblem(undefined, { role: 'user' })).toMatch(/^content must be/);
  });

  it.each([
    [42, 'user', 'content must be a string or an array of content parts'],
    [[], 'user', 'content must not be an empty array'],
    [['text'], 'user', 'content.0 must be an object'],
    [[{ type: 'text' }], 'user', 'content.0.text must be a string'],
    [[{ type: 'input_audio' }], 'user', 'content.0.type must be one of: text, image_url'],
    [[{ type: 'image_url', image_url: { url: 'x' } }], 'system', 'content.0.type must be one of: text'],
    [[{ type: 'image_url', image_url: {} }], 'user', 'content.0.image_url.url must be a non-empty string'],
    [
      [{ type: 'image_url', image_url: { url: 'x', detail: 'max' } }],
      'user',
      'content.0.image_url.detail must be one of: auto, low, high',
    ],
  ])('%j in a %s message → %s', (content, role, problem) => {
    expect(messageContentProblem(content, { role })).toBe(problem);
  });
});

describe('tool_choice and stop rules', () => {
  it('accepts the modes and a named function', () => {
    for (const mode of ['none', 'auto', 'required']) expect(toolChoiceProblem(mode)).toBeUndefined();
    expect(toolChoiceProblem({ type: 'function', function: { name: 'f' } })).toBeUndefined();
    expect(toolChoiceProblem('sometimes')).toMatch(/^tool_choice must be one of/);
    expect(toolChoiceProblem({ type: 'function', function: { name: '' } })).toMatch(
      /^tool_choice.function.name/,
    );
  });

  it('takes a string or up to four strings', () => {
    expect(stopProblem('END')).toBeUndefined();
    expect(stopProblem(['a', 'b'])).toBeUndefined();
    expect(stopProblem([1])).toBe('stop must be a string or an array of strings');
    expect(stopProblem(['a', 'b', 'c', 'd', 'e'])).toBe('stop must have at most 4 sequences');
  });
});
