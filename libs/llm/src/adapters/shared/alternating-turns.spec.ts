import type { ChatMessage } from '../../core/chat.types';
import { toAlternatingTurns } from './alternating-turns';
import { textOf } from './message-content';

/** One block per message: its text, or none when it has no text. */
const textBlocks = (message: ChatMessage): string[] => {
  const text = textOf(message.content);
  return text ? [text] : [];
};

const turnsOf = (messages: ChatMessage[]): ReturnType<typeof toAlternatingTurns<string>> =>
  toAlternatingTurns(messages, textBlocks);

describe('toAlternatingTurns', () => {
  it('leaves system messages out and keeps alternating turns as they are', () => {
    const turns = turnsOf([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: 'A1' },
      { role: 'user', content: 'Q2' },
    ]);
    expect(turns).toEqual([
      { role: 'user', content: ['Q1'] },
      { role: 'assistant', content: ['A1'] },
      { role: 'user', content: ['Q2'] },
    ]);
  });

  it('merges consecutive messages of one role, also across a system message between them', () => {
    const turns = turnsOf([
      { role: 'user', content: 'Q1' },
      { role: 'user', content: 'Q1b' },
      { role: 'system', content: 'Use French.' },
      { role: 'user', content: 'Q1c' },
      { role: 'assistant', content: 'A1' },
      { role: 'assistant', content: 'A1b' },
    ]);
    expect(turns).toEqual([
      { role: 'user', content: ['Q1', 'Q1b', 'Q1c'] },
      { role: 'assistant', content: ['A1', 'A1b'] },
    ]);
  });

  it('counts tool results as user turns, merged with the user message that follows', () => {
    const turns = turnsOf([
      { role: 'assistant', content: 'calling', tool_calls: [] },
      { role: 'tool', tool_call_id: 't1', content: 'sunny' },
      { role: 'tool', tool_call_id: 't2', content: 'rainy' },
      { role: 'user', content: 'And tomorrow?' },
    ]);
    expect(turns).toEqual([
      { role: 'assistant', content: ['calling'] },
      { role: 'user', content: ['sunny', 'rainy', 'And tomorrow?'] },
    ]);
  });

  it('drops messages that map to no blocks, so their neighbours can merge', () => {
    const turns = turnsOf([
      { role: 'user', content: 'Q1' },
      { role: 'assistant', content: '' },
      { role: 'user', content: 'Q2' },
    ]);
    expect(turns).toEqual([{ role: 'user', content: ['Q1', 'Q2'] }]);
  });

  it('maps each message once, in order, and never a system message', () => {
    const seen: string[] = [];
    toAlternatingTurns(
      [
        { role: 'system', content: 'S' },
        { role: 'user', content: 'U' },
        { role: 'tool', tool_call_id: 't', content: 'T' },
      ],
      (message) => {
        seen.push(textOf(message.content));
        return [];
      },
    );
    expect(seen).toEqual(['U', 'T']);
  });
});
