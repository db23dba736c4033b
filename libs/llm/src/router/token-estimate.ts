import type { ChatMessage } from '../core/chat.types';

const DEFAULT_OUTPUT_TOKENS = 256;
const CHARACTERS_PER_TOKEN = 4;

/** Characters of text in the prompt (images and tool schemas are not counted). */
export function promptCharacters(messages: readonly ChatMessage[]): number {
  let characters = 0;
  for (const message of messages) {
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else if (content) for (const part of content) if (part.type === 'text') characters += part.text.length;
    if (message.tool_calls)
      for (const call of message.tool_calls) characters += call.function.arguments.length;
  }
  return characters;
}

/** Pre-call token estimate for capacity reservation; `settle` corrects it with real usage afterwards. */
export function estimateTokens(
  promptChars: number,
  maxTokens: number | undefined,
  modelMaxOutputTokens: number | undefined,
): number {
  return (
    Math.ceil(promptChars / CHARACTERS_PER_TOKEN) +
    (maxTokens ?? modelMaxOutputTokens ?? DEFAULT_OUTPUT_TOKENS)
  );
}
