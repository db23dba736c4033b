import { randomBytes } from 'node:crypto';
import type { FakeToolCall, OkBehaviour } from './types';

/** What every vendor handler needs from a request to build the default reply and usage. */
export interface ConversationSummary {
  lastUserText: string;
  /** Characters of text across the system prompt and every message. */
  totalChars: number;
}

export type PlannedToolCall = Required<FakeToolCall>;

export interface PlannedReply {
  text: string;
  toolCalls: PlannedToolCall[];
  usage: { input: number; output: number };
  finish: 'stop' | 'length' | 'tool_calls';
}

/**
 * The text inside a vendor message content: a string, or blocks carrying `text`
 * (OpenAI parts, Anthropic blocks, Bedrock content), nested `content` (tool results) included.
 */
export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map(textOf).join('');
  if (content !== null && typeof content === 'object') {
    const block = content as Record<string, unknown>;
    if (typeof block.text === 'string') return block.text;
    if (block.content !== undefined) return textOf(block.content);
    if (block.toolResult !== undefined) return textOf(block.toolResult);
  }
  return '';
}

/** Works for every vendor: messages are `{ role, content }`; the system prompt may sit outside them. */
export function summariseConversation(messages: unknown, system?: unknown): ConversationSummary {
  const list = Array.isArray(messages) ? (messages as unknown[]) : [];
  let lastUserText = '';
  let totalChars = textOf(system).length;
  for (const message of list) {
    if (message === null || typeof message !== 'object') continue;
    const { role, content } = message as { role?: unknown; content?: unknown };
    const text = textOf(content);
    totalChars += text.length;
    if (role === 'user') lastUserText = text;
  }
  return { lastUserText, totalChars };
}

export function estimateTokens(chars: number): number {
  return Math.ceil(chars / 4);
}

export function defaultReplyText(lastUserText: string): string {
  return `echo: ${lastUserText}`;
}

export function fakeId(prefix: string): string {
  return `${prefix}${randomBytes(9).toString('hex')}`;
}

/**
 * The reply an `ok` behaviour stands for. With tool calls and no scripted text the reply has no text,
 * as real models answer; ids missing from the script get `idPrefix` plus a random suffix.
 */
export function planReply(
  behaviour: OkBehaviour,
  conversation: ConversationSummary,
  idPrefix = 'call_',
): PlannedReply {
  const toolCalls = (behaviour.toolCalls ?? []).map((call) => ({
    id: call.id ?? fakeId(idPrefix),
    name: call.name,
    arguments: call.arguments,
  }));
  const text = behaviour.text ?? (toolCalls.length > 0 ? '' : defaultReplyText(conversation.lastUserText));
  const replyChars = text.length + toolCalls.reduce((sum, call) => sum + call.arguments.length, 0);
  return {
    text,
    toolCalls,
    usage: behaviour.usage ?? {
      input: estimateTokens(conversation.totalChars),
      output: estimateTokens(replyChars),
    },
    finish: behaviour.finish ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
  };
}
