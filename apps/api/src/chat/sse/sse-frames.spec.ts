import type { ChatChunk } from '@app/llm';
import { commentFrame, dataFrame, DONE_FRAME, HEARTBEAT_FRAME, OpenAiChunkEncoder } from './sse-frames';

const usage = { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 };

function chunk(content: string | undefined, extra: Partial<ChatChunk> = {}): ChatChunk {
  return {
    id: 'msg_1',
    created: 1_700_000_000,
    model: 'claude-sonnet-4-5',
    choices: content === undefined ? [] : [{ index: 0, delta: { content }, finish_reason: null }],
    ...extra,
  };
}

function parse(frame: string | undefined): Record<string, unknown> {
  expect(frame).toMatch(/^data: .*\n\n$/s);
  return JSON.parse(frame!.slice('data: '.length)) as Record<string, unknown>;
}

describe('OpenAiChunkEncoder', () => {
  it('frames each chunk as a chat.completion.chunk event under the public model name', () => {
    const encoder = new OpenAiChunkEncoder('claude', false);
    const frame = encoder.frame(chunk('Hi "there"\n'));
    expect(parse(frame)).toEqual({
      id: 'msg_1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'claude',
      choices: [{ index: 0, delta: { content: 'Hi "there"\n' }, finish_reason: null }],
    });
    expect(frame!.split('\n\n')).toHaveLength(2); // one event: the newline in the text stays escaped
  });

  it('keeps the first chunk’s id and created time on every event', () => {
    const encoder = new OpenAiChunkEncoder('m', false);
    encoder.frame(chunk('a'));
    expect(parse(encoder.frame(chunk('b', { id: 'other', created: 1 })))).toMatchObject({
      id: 'msg_1',
      created: 1_700_000_000,
    });
  });

  it('holds usage back for one final usage event, only when asked for', () => {
    const asked = new OpenAiChunkEncoder('m', true);
    const last = parse(
      asked.frame({ ...chunk('!'), choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage }),
    );
    expect(last).not.toHaveProperty('usage');
    expect(parse(asked.usageFrame())).toEqual({
      id: 'msg_1',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'm',
      choices: [],
      usage,
    });

    const notAsked = new OpenAiChunkEncoder('m', false);
    notAsked.frame({ ...chunk('!'), usage });
    expect(notAsked.usageFrame()).toBeUndefined();
  });

  it('writes nothing for a usage-only chunk (OpenAI sends usage in one)', () => {
    const encoder = new OpenAiChunkEncoder('m', true);
    encoder.frame(chunk('x'));
    expect(encoder.frame(chunk(undefined, { usage }))).toBeUndefined();
    expect(parse(encoder.usageFrame())).toMatchObject({ usage });
  });

  it('has no usage event when usage never came', () => {
    const encoder = new OpenAiChunkEncoder('m', true);
    encoder.frame(chunk('x'));
    expect(encoder.usageFrame()).toBeUndefined();
  });
});

describe('SSE frames', () => {
  it('ends the stream with [DONE] and keeps connections alive with a comment', () => {
    expect(DONE_FRAME).toBe('data: [DONE]\n\n');
    expect(HEARTBEAT_FRAME).toBe(': keep-alive\n\n');
    expect(dataFrame('{"error":{}}')).toBe('data: {"error":{}}\n\n');
  });

  it('keeps a comment on one line, so it cannot end the event early', () => {
    expect(commentFrame('a\nb\r\nc')).toBe(': a b c\n\n');
  });
});
