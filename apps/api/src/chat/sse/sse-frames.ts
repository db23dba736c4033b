import type { ChatChunk, Usage } from '@app/llm';

export const DONE_FRAME = 'data: [DONE]\n\n';
export const HEARTBEAT_FRAME = ': keep-alive\n\n';

export function dataFrame(json: string): string {
  return `data: ${json}\n\n`;
}

/** An SSE comment: ignored by every SSE parser, seen by humans and proxies. Newlines would end it. */
export function commentFrame(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/**
 * Internal chunks as OpenAI `chat.completion.chunk` events. Every event carries the first chunk's id and
 * created time and the public model name; the JSON prefix holding them is built once per stream, so a
 * chunk costs one JSON.stringify of its choices. Usage is held back for the one usage event OpenAI sends
 * last (`choices: []`), and only when the caller asked for it.
 */
export class OpenAiChunkEncoder {
  private prefix: string | undefined;
  private usage: Usage | undefined;

  constructor(
    private readonly model: string,
    private readonly includeUsage: boolean,
  ) {}

  /** The frame for a chunk, or undefined when it has no choices (a usage-only chunk). */
  frame(chunk: ChatChunk): string | undefined {
    if (chunk.usage) this.usage = chunk.usage;
    this.prefix ??= `data: {"id":${JSON.stringify(chunk.id)},"object":"chat.completion.chunk","created":${chunk.created},"model":${JSON.stringify(this.model)},"choices":`;
    if (chunk.choices.length === 0) return undefined;
    return `${this.prefix}${JSON.stringify(chunk.choices)}}\n\n`;
  }

  /** The usage event, when asked for and known. */
  usageFrame(): string | undefined {
    if (!this.includeUsage || !this.usage || !this.prefix) return undefined;
    return `${this.prefix}[],"usage":${JSON.stringify(this.usage)}}\n\n`;
  }
}
