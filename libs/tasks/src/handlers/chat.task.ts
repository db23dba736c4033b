import type { ChatRequest, ChatResponse } from '@app/llm';
import { parseChatRequest } from './chat-request.input';
import { InputProblems } from './input-problems';
import type { TaskHandler } from './task-handler';

export interface ChatTaskResult {
  response: ChatResponse;
}

/** `chat`: one completion, however long it takes. Input: a chat request (`{model, messages, ...}`). */
export const chatTask: TaskHandler<ChatRequest, ChatTaskResult> = {
  type: 'chat',

  parseInput(input) {
    const problems = new InputProblems();
    const request = parseChatRequest(input, '', problems);
    problems.throwIfAny();
    return request!;
  },

  totalSteps: () => 1,

  async run(request, context) {
    const response = await context.chat.complete(request);
    await context.checkpoint({ done: 1, total: 1 });
    return { response };
  },
};
