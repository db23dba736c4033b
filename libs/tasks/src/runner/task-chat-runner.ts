import type { Principal } from '@app/auth';
import type { ChatRequest, ChatResponse } from '@app/llm';

export interface TaskChatContext {
  /** The task's owner. */
  userId: string;
  /** Who created the task: their token budget applies and is charged. */
  requestedBy: Principal;
  taskId: string;
  /** Aborting it cancels the upstream call. */
  signal: AbortSignal;
}

/**
 * How a task gets a completion: the chat service in-process (router, limits, cache, analytics), never an
 * HTTP hop to the api.
 */
export interface TaskChatRunner {
  complete(request: ChatRequest, context: TaskChatContext): Promise<{ response: ChatResponse }>;
}

export const TASK_CHAT_RUNNER = Symbol('TASK_CHAT_RUNNER');
