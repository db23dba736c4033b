import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatChunk } from '../../core/chat.types';
import { BedrockStreamMapper } from './stream.mapper';

function run(events: ConverseStreamOutput[]): { chunks: ChatChunk[]; mapper: BedrockStreamMapper } {
  const mapper = new BedrockStreamMapper('bedrock-req-1', 'model-x', 1_700_000_000_000);
  const chunks = events
    .map((event) => mapper.map(event))
    .filter((chunk): chunk is ChatChunk => chunk !== undefined);
  return { chunks, mapper };
}

const usage = { inputTokens: 11, outputTokens: 6, totalTokens: 17 };

describe('BedrockStreamMapper', () => {
  it('maps text deltas, puts the role on the first chunk and finish + usage on the metadata chunk', () => {
    const { chunks, mapper } = run([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'Hi' } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: '' } } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: ' you' } } },
      { contentBlockStop: { contentBlockIndex: 0 } },
      { messageStop: { stopReason: 'max_tokens' } },
      { metadata: { usage, metrics: { latencyMs: 5 } } },
    ]);
    const identity = { id: 'bedrock-req-1', created: 1_700_000_000, model: 'model-x' };
    expect(chunks).toEqual([
      {
        ...identity,
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
      },
      { ...identity, choices: [{ index: 0, delta: { content: ' you' }, finish_reason: null }] },
      {
        ...identity,
        choices: [{ index: 0, delta: {}, finish_reason: 'length' }],
        usage: { prompt_tokens: 11, completion_tokens: 6, total_tokens: 17 },
      },
    ]);
    expect(mapper.completed).toBe(true);
    expect(mapper.finish()).toBeUndefined();
  });

  it('numbers tool calls in order of appearance and routes input fragments by block index', () => {
    const { chunks } = run([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { reasoningContent: { text: 'thinking' } } } },
      { contentBlockStart: { contentBlockIndex: 1, start: { toolUse: { toolUseId: 'tu_a', name: 'f' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '{"x":' } } } },
      { contentBlockDelta: { contentBlockIndex: 1, delta: { toolUse: { input: '1}' } } } },
      { contentBlockStart: { contentBlockIndex: 2, start: { toolUse: { toolUseId: 'tu_b', name: 'g' } } } },
      { contentBlockDelta: { contentBlockIndex: 2, delta: { toolUse: { input: '{}' } } } },
      { messageStop: { stopReason: 'tool_use' } },
      { metadata: { usage, metrics: { latencyMs: 5 } } },
    ]);
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([
      {
        role: 'assistant',
        tool_calls: [{ index: 0, id: 'tu_a', type: 'function', function: { name: 'f', arguments: '' } }],
      },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '1}' } }] },
      { tool_calls: [{ index: 1, id: 'tu_b', type: 'function', function: { name: 'g', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{}' } }] },
      {},
    ]);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it('emits the last chunk from finish() when the stream ends after messageStop without metadata', () => {
    const { chunks, mapper } = run([
      { messageStart: { role: 'assistant' } },
      { messageStop: { stopReason: 'end_turn' } },
    ]);
    expect(chunks).toEqual([]);
    const last = mapper.finish();
    expect(last?.choices[0]).toEqual({ index: 0, delta: { role: 'assistant' }, finish_reason: 'stop' });
    expect(last?.usage).toBeUndefined();
    expect(mapper.finish()).toBeUndefined();
  });

  it('is not completed before messageStop', () => {
    const { mapper } = run([
      { messageStart: { role: 'assistant' } },
      { contentBlockDelta: { contentBlockIndex: 0, delta: { text: 'x' } } },
    ]);
    expect(mapper.completed).toBe(false);
    expect(mapper.finish()).toBeUndefined();
  });
});
