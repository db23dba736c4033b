import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ChatChunk } from '../../core/chat.types';
import { AnthropicStreamMapper } from './stream.mapper';

/** Stream events as they arrive on the wire; the tests build only the fields the mapper reads. */
const ev = (event: Record<string, unknown>): RawMessageStreamEvent =>
  event as unknown as RawMessageStreamEvent;

function run(events: RawMessageStreamEvent[]): { chunks: ChatChunk[]; mapper: AnthropicStreamMapper } {
  const mapper = new AnthropicStreamMapper('requested-model', 1_700_000_000_000);
  const chunks = events
    .map((event) => mapper.map(event))
    .filter((chunk): chunk is ChatChunk => chunk !== undefined);
  return { chunks, mapper };
}

const start = ev({
  type: 'message_start',
  message: {
    id: 'msg_9',
    model: 'claude-x',
    usage: { input_tokens: 21, output_tokens: 1, cache_read_input_tokens: 4 },
  },
});

describe('AnthropicStreamMapper', () => {
  it('maps text deltas, puts the role on the first chunk and finish + usage on the last', () => {
    const { chunks, mapper } = run([
      start,
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hi' } }),
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' there' } }),
      ev({ type: 'content_block_stop', index: 0 }),
      ev({
        type: 'message_delta',
        delta: { stop_reason: 'max_tokens' },
        usage: { output_tokens: 9, input_tokens: null },
      }),
      ev({ type: 'message_stop' }),
    ]);
    const identity = { id: 'msg_9', created: 1_700_000_000, model: 'claude-x' };
    expect(chunks).toEqual([
      {
        ...identity,
        choices: [{ index: 0, delta: { role: 'assistant', content: 'Hi' }, finish_reason: null }],
      },
      { ...identity, choices: [{ index: 0, delta: { content: ' there' }, finish_reason: null }] },
      {
        ...identity,
        choices: [{ index: 0, delta: {}, finish_reason: 'length' }],
        usage: { prompt_tokens: 25, completion_tokens: 9, total_tokens: 34 },
      },
    ]);
    expect(mapper.completed).toBe(true);
  });

  it('numbers tool calls in order of appearance and routes argument fragments by block index', () => {
    const { chunks } = run([
      start,
      ev({ type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ev({
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'thinking_delta', thinking: 'let me see' },
      }),
      ev({
        type: 'content_block_start',
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_a', name: 'f', input: {} },
      }),
      ev({
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_b', name: 'g', input: {} },
      }),
      ev({ type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
      ev({
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"y":' },
      }),
      ev({
        type: 'content_block_delta',
        index: 1,
        delta: { type: 'input_json_delta', partial_json: '{"x":1}' },
      }),
      ev({ type: 'content_block_delta', index: 2, delta: { type: 'input_json_delta', partial_json: '2}' } }),
      ev({ type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 30 } }),
      ev({ type: 'message_stop' }),
    ]);
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([
      {
        role: 'assistant',
        tool_calls: [{ index: 0, id: 'toolu_a', type: 'function', function: { name: 'f', arguments: '' } }],
      },
      { tool_calls: [{ index: 1, id: 'toolu_b', type: 'function', function: { name: 'g', arguments: '' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"y":' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"x":1}' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '2}' } }] },
      {},
    ]);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe('tool_calls');
  });

  it('carries the role on the final chunk when the message had no content', () => {
    const { chunks } = run([
      start,
      ev({ type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 0 } }),
      ev({ type: 'message_stop' }),
    ]);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].choices[0]).toEqual({ index: 0, delta: { role: 'assistant' }, finish_reason: 'stop' });
  });

  it('is not completed until message_stop', () => {
    const { mapper } = run([
      start,
      ev({ type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'x' } }),
    ]);
    expect(mapper.completed).toBe(false);
  });
});
