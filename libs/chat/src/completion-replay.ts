import type { ChatChunk, ChatResponse, ChunkStream } from '@app/llm';

/**
 * A stored completion as the chunks a stream of it would have had: per choice the role with the whole
 * text, then its tool calls whole, then the finish reason; usage rides on the last chunk.
 */
export function replayChunks(response: ChatResponse): ChatChunk[] {
  const identity = { id: response.id, created: response.created, model: response.model };
  const chunks: ChatChunk[] = [];
  for (const choice of response.choices) {
    const { index, message } = choice;
    const text = message.content ?? '';
    chunks.push({
      ...identity,
      choices: [
        {
          index,
          delta: text ? { role: 'assistant', content: text } : { role: 'assistant' },
          finish_reason: null,
        },
      ],
    });
    if (message.tool_calls?.length) {
      const toolCalls = message.tool_calls.map((call, position) => ({
        index: position,
        id: call.id,
        type: call.type,
        function: { name: call.function.name, arguments: call.function.arguments },
      }));
      chunks.push({
        ...identity,
        choices: [{ index, delta: { tool_calls: toolCalls }, finish_reason: null }],
      });
    }
    chunks.push({ ...identity, choices: [{ index, delta: {}, finish_reason: choice.finish_reason }] });
  }
  chunks[chunks.length - 1].usage = response.usage;
  return chunks;
}

const DONE: IteratorReturnResult<undefined> = Object.freeze({ value: undefined, done: true });

/** Chunks that already exist (a cache hit), served as a stream. */
export class ReplayChunkStream implements ChunkStream {
  private position = 0;

  constructor(private readonly chunks: readonly ChatChunk[]) {}

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<ChatChunk, undefined>> {
    if (this.position >= this.chunks.length) return Promise.resolve(DONE);
    return Promise.resolve({ value: this.chunks[this.position++], done: false });
  }

  return(): Promise<IteratorResult<ChatChunk, undefined>> {
    this.position = this.chunks.length;
    return Promise.resolve(DONE);
  }
}
