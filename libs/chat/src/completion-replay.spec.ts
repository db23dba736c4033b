import type { ChatChunk, ChatResponse } from '@app/llm';
import { CompletionAssembler } from './completion-assembler';
import { ReplayChunkStream, replayChunks } from './completion-replay';

const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };

const textAnswer: ChatResponse = {
  id: 'chatcmpl-1',
  created: 1_700_000_000,
  model: 'gpt-4o',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Paris.' }, finish_reason: 'stop' }],
  usage,
};

const toolAnswer: ChatResponse = {
  ...textAnswer,
  choices: [
    {
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
        ],
      },
      finish_reason: 'tool_calls',
    },
  ],
};

async function drain(stream: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const chunks: ChatChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('replaying a stored completion as chunks', () => {
  it('sends role and text, then the finish reason with usage on the last chunk', () => {
    const chunks = replayChunks(textAnswer);
    expect(chunks.map((c) => c.choices)).toEqual([
      [{ index: 0, delta: { role: 'assistant', content: 'Paris.' }, finish_reason: null }],
      [{ index: 0, delta: {}, finish_reason: 'stop' }],
    ]);
    expect(chunks.map((c) => c.usage)).toEqual([undefined, usage]);
    expect(chunks.every((c) => c.id === 'chatcmpl-1' && c.model === 'gpt-4o')).toBe(true);
  });

  it('sends tool calls whole, indexed in order', () => {
    const [, calls] = replayChunks(toolAnswer);
    expect(calls.choices[0].delta.tool_calls).toEqual([
      {
        index: 0,
        id: 'call_1',
        type: 'function',
        function: { name: 'weather', arguments: '{"city":"Paris"}' },
      },
      { index: 1, id: 'call_2', type: 'function', function: { name: 'time', arguments: '{}' } },
    ]);
  });

  it('reassembles into the same completion, so a stored stream replays faithfully', () => {
    for (const answer of [textAnswer, toolAnswer]) {
      const assembler = new CompletionAssembler('gpt-4o');
      replayChunks(answer).forEach((chunk) => assembler.add(chunk));
      expect(assembler.result()).toEqual(answer);
    }
  });

  it('serves the chunks as a stream that can be closed early', async () => {
    expect(await drain(new ReplayChunkStream(replayChunks(textAnswer)))).toHaveLength(2);
    const stream = new ReplayChunkStream(replayChunks(textAnswer));
    await stream.next();
    await stream.return();
    expect(await stream.next()).toEqual({ value: undefined, done: true });
  });
});

describe('CompletionAssembler', () => {
  const chunk = (delta: ChatChunk['choices'][number]['delta'], finish: 'stop' | null = null): ChatChunk => ({
    id: 'msg_1',
    created: 5,
    model: 'claude-sonnet-4-5',
    choices: [{ index: 0, delta, finish_reason: finish }],
  });

  it('joins text deltas and tool-call fragments like an OpenAI client, under the public model name', () => {
    const assembler = new CompletionAssembler('claude');
    assembler.add(chunk({ role: 'assistant', content: 'Hel' }));
    assembler.add(chunk({ content: 'lo' }));
    assembler.add(
      chunk({
        tool_calls: [
          { index: 0, id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a"' } },
        ],
      }),
    );
    assembler.add(chunk({ tool_calls: [{ index: 0, function: { arguments: ':1}' } }] }));
    assembler.add({ ...chunk({}, 'stop'), usage });
    expect(assembler.result()).toEqual({
      id: 'msg_1',
      created: 5,
      model: 'claude',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Hello',
            tool_calls: [{ id: 'toolu_1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          finish_reason: 'stop',
        },
      ],
      usage,
    });
  });

  it('has no completion for a stream that never finished or never reported usage', () => {
    const unfinished = new CompletionAssembler('m');
    unfinished.add({ ...chunk({ content: 'half' }), usage });
    expect(unfinished.result()).toBeUndefined();
    const noUsage = new CompletionAssembler('m');
    noUsage.add(chunk({ content: 'done' }, 'stop'));
    expect(noUsage.result()).toBeUndefined();
  });
});
