import type { ChatMessage } from '../../core/chat.types';

/** One turn of a conversation whose vendor wants user and assistant to alternate (Anthropic, Bedrock). */
export interface AlternatingTurn<Block> {
  role: 'user' | 'assistant';
  content: Block[];
}

/**
 * The non-system messages as alternating turns: tool results count as user turns, a message that maps
 * to no blocks is dropped, and consecutive messages of one role become one turn.
 */
export function toAlternatingTurns<Block>(
  messages: ChatMessage[],
  toBlocks: (message: ChatMessage) => Block[],
): AlternatingTurn<Block>[] {
  const turns: AlternatingTurn<Block>[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    const role = message.role === 'assistant' ? 'assistant' : 'user';
    const blocks = toBlocks(message);
    if (blocks.length === 0) continue;
    const previous = turns.at(-1);
    if (previous?.role === role) previous.content.push(...blocks);
    else turns.push({ role, content: blocks });
  }
  return turns;
}
