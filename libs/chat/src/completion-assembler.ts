import type { ChatChoice, ChatChunk, ChatResponse, FinishReason, ToolCall, Usage } from '@app/llm';

interface ChoiceParts {
  text: string[];
  toolCalls: ToolCall[];
  finishReason: FinishReason | null;
}

/**
 * Rebuilds the whole completion from a stream's chunks (the way an OpenAI client does), so a streamed
 * answer can be stored in the response cache. Only used when the answer will be stored.
 */
export class CompletionAssembler {
  private id = '';
  private created = 0;
  private usage: Usage | undefined;
  private readonly choices = new Map<number, ChoiceParts>();

  /** @param model the public model name the stored response carries */
  constructor(private readonly model: string) {}

  add(chunk: ChatChunk): void {
    if (!this.id) {
      this.id = chunk.id;
      this.created = chunk.created;
    }
    if (chunk.usage) this.usage = chunk.usage;
    for (const choice of chunk.choices) {
      let parts = this.choices.get(choice.index);
      if (!parts) {
        parts = { text: [], toolCalls: [], finishReason: null };
        this.choices.set(choice.index, parts);
      }
      const { content, tool_calls: toolCalls } = choice.delta;
      if (content) parts.text.push(content);
      for (const delta of toolCalls ?? []) {
        const call = (parts.toolCalls[delta.index] ??= {
          id: '',
          type: 'function',
          function: { name: '', arguments: '' },
        });
        if (delta.id) call.id = delta.id;
        if (delta.function?.name) call.function.name += delta.function.name;
        if (delta.function?.arguments) call.function.arguments += delta.function.arguments;
      }
      if (choice.finish_reason) parts.finishReason = choice.finish_reason;
    }
  }

  /** The completion, or undefined when the stream did not finish every choice or never reported usage. */
  result(): ChatResponse | undefined {
    if (!this.usage || this.choices.size === 0) return undefined;
    const choices: ChatChoice[] = [];
    for (const [index, parts] of [...this.choices].sort(([a], [b]) => a - b)) {
      if (parts.finishReason === null) return undefined;
      const toolCalls = parts.toolCalls.filter(Boolean);
      const text = parts.text.join('');
      choices.push({
        index,
        message: {
          role: 'assistant',
          content: text || (toolCalls.length ? null : ''),
          ...(toolCalls.length ? { tool_calls: toolCalls } : {}),
        },
        finish_reason: parts.finishReason,
      });
    }
    return { id: this.id, created: this.created, model: this.model, choices, usage: this.usage };
  }
}
