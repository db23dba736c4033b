import type { ChatResponse } from '@app/llm';

/** The assistant's text of a completion ('' when it answered with tool calls only). */
export function completionText(response: ChatResponse): string {
  return response.choices[0]?.message.content ?? '';
}
