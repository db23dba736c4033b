import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import type { ChatChunk, ChatChunkChoice, FinishReason, Usage } from '../../core/chat.types';
import { toFinishReason } from './finish-reason.mapper';
import { toUsage } from './response.mapper';

type Delta = ChatChunkChoice['delta'];

/**
 * Turns ConverseStream events into internal chunks, one stream at a time. The role rides on the first
 * chunk; toolUse blocks get OpenAI-style tool-call indexes in order of appearance. Converse sends
 * `messageStop` (stop reason) and then `metadata` (usage): the last chunk goes out on `metadata`, or from
 * `finish()` when a stream ends without it. Exception events are thrown by the SDK, not seen here.
 */
export class BedrockStreamMapper {
  private roleSent = false;
  private finishReason: FinishReason | undefined;
  private finalSent = false;
  private readonly toolIndexByBlock = new Map<number, number>();
  private readonly created: number;

  constructor(
    private readonly id: string,
    private readonly model: string,
    now = Date.now(),
  ) {
    this.created = Math.floor(now / 1000);
  }

  /** True once `messageStop` arrived: a stream that ends before it was cut short. */
  get completed(): boolean {
    return this.finishReason !== undefined;
  }

  map(event: ConverseStreamOutput): ChatChunk | undefined {
    if (event.contentBlockStart?.start?.toolUse) {
      const index = this.toolIndexByBlock.size;
      this.toolIndexByBlock.set(event.contentBlockStart.contentBlockIndex ?? index, index);
      const { toolUseId, name } = event.contentBlockStart.start.toolUse;
      return this.chunk({
        tool_calls: [{ index, id: toolUseId, type: 'function', function: { name, arguments: '' } }],
      });
    }
    if (event.contentBlockDelta?.delta) {
      const { delta, contentBlockIndex } = event.contentBlockDelta;
      if (delta.text !== undefined && delta.text !== '') return this.chunk({ content: delta.text });
      if (delta.toolUse?.input) {
        const index = this.toolIndexByBlock.get(contentBlockIndex ?? -1);
        if (index === undefined) return undefined;
        return this.chunk({ tool_calls: [{ index, function: { arguments: delta.toolUse.input } }] });
      }
      return undefined;
    }
    if (event.messageStop) {
      this.finishReason = toFinishReason(event.messageStop.stopReason);
      return undefined;
    }
    if (event.metadata && this.finishReason !== undefined) return this.final(toUsage(event.metadata.usage));
    return undefined;
  }

  /** The last chunk when the stream ended after `messageStop` without `metadata`. */
  finish(): ChatChunk | undefined {
    return this.completed && !this.finalSent ? this.final(undefined) : undefined;
  }

  private final(usage: Usage | undefined): ChatChunk | undefined {
    if (this.finalSent) return undefined;
    this.finalSent = true;
    const chunk = this.chunk({}, this.finishReason ?? 'stop');
    return usage ? { ...chunk, usage } : chunk;
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
