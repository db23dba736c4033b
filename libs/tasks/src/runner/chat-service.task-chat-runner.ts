import { ChatService } from '@app/chat';
import type { ChatRequest, ChatResponse } from '@app/llm';
import { Injectable } from '@nestjs/common';
import type { TaskChatContext, TaskChatRunner } from './task-chat-runner';

/** Tasks complete through the same ChatService as the api: routing, the creator's token budget, cache, analytics. */
@Injectable()
export class ChatServiceTaskChatRunner implements TaskChatRunner {
  constructor(private readonly chat: ChatService) {}

  async complete(request: ChatRequest, context: TaskChatContext): Promise<{ response: ChatResponse }> {
    const { response } = await this.chat.complete(request, {
      caller: { id: context.userId, principal: context.requestedBy },
      requestId: context.taskId,
      signal: context.signal,
    });
    return { response };
  }
}
