import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import type { ChatChunk, ChatChunkChoice, FinishReason } from '../../core/chat.types';
import { toFinishReason } from './finish-reason.mapper';
import { toUsage } from './response.mapper';

type Delta = ChatChunkChoice['delta'];

interface UsageSoFar {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens: number | null;
  cache_read_input_tokens: number | null;
}

/**
 * Turns Anthropic stream events into internal chunks, one stream at a time. The role rides on the first
 * chunk; tool_use blocks get OpenAI-style tool-call indexes (0, 1, ... in order of appearance); the last
 * chunk, emitted on `message_stop`, carries finish_reason and usage.
 */
export class AnthropicStreamMapper {
  private id = '';
  private model: string;
  private created: number;
  private roleSent = false;
  private finishReason: FinishReason = 'stop';
  private readonly toolIndexByBlock = new Map<number, number>();
  private usage: UsageSoFar = {
    input_tokens: 0,
    output_tokens: 0,
    cache_creation_input_tokens: null,
    cache_read_input_tokens: null,
  };
  private stopped = false;

  constructor(requestedModel: string, now = Date.now()) {
    this.model = requestedModel;
    this.created = Math.floor(now / 1000);
  }

  /** True once `message_stop` arrived: a stream that ends before it was cut short. */
  get completed(): boolean {
    return this.stopped;
  }

  map(event: RawMessageStreamEvent): ChatChunk | undefined {
    switch (event.type) {
      case 'message_start':
        this.id = event.message.id;
        this.model = event.message.model || this.model;
        this.usage = { ...this.usage, ...pickUsage(event.message.usage) };
        return undefined;
      case 'content_block_start':
        if (event.content_block.type === 'tool_use') {
          const index = this.toolIndexByBlock.size;
          this.toolIndexByBlock.set(event.index, index);
          const { id, name } = event.content_block;
          return this.chunk({
            tool_calls: [{ index, id, type: 'function', function: { name, arguments: '' } }],
          });
        }
        if (event.content_block.type === 'text' && event.content_block.text) {
          return this.chunk({ content: event.content_block.text });
        }
        return undefined;
      case 'content_block_delta':
        if (event.delta.type === 'text_delta') return this.chunk({ content: event.delta.text });
        if (event.delta.type === 'input_json_delta' && event.delta.partial_json) {
          const index = this.toolIndexByBlock.get(event.index);
          if (index === undefined) return undefined;
          return this.chunk({ tool_calls: [{ index, function: { arguments: event.delta.partial_json } }] });
        }
        return undefined;
      case 'message_delta':
        if (event.delta.stop_reason) this.finishReason = toFinishReason(event.delta.stop_reason);
        this.usage = { ...this.usage, ...pickUsage(event.usage) };
        return undefined;
      case 'message_stop':
        this.stopped = true;
        return { ...this.chunk({}, this.finishReason), usage: toUsage(this.usage) };
      default:
        return undefined;
    }
  }

  private chunk(delta: Delta, finishReason: FinishReason | null = null): ChatChunk {
    const withRole: Delta = this.roleSent ? delta : { role: 'assistant', ...delta };
    this.roleSent = true;
    return {
      id: this.id,
      created: this.created,
      model: this.model,
      choices: [{ index: 0, delta: withRole, finish_reason: finishReason }],
    };
  }
}

/** Only the counts the event actually carries (message_delta repeats some as null). */
function pickUsage(usage: Partial<Record<keyof UsageSoFar, number | null>>): Partial<UsageSoFar> {
  const picked: Partial<UsageSoFar> = {};
  if (typeof usage.input_tokens === 'number') picked.input_tokens = usage.input_tokens;
  if (typeof usage.output_tokens === 'number') picked.output_tokens = usage.output_tokens;
  if (typeof usage.cache_creation_input_tokens === 'number') {
    picked.cache_creation_input_tokens = usage.cache_creation_input_tokens;
  }
  if (typeof usage.cache_read_input_tokens === 'number')
    picked.cache_read_input_tokens = usage.cache_read_input_tokens;
  return picked;
}
