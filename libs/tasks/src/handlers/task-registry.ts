import { batchTask } from './batch.task';
import { chainTask } from './chain.task';
import { chatTask } from './chat.task';
import type { TaskHandler } from './task-handler';

/** Every task type. A new type: one `<name>.task.ts` implementing TaskHandler, added here. */
export const TASK_HANDLERS: readonly TaskHandler[] = [chatTask, batchTask, chainTask];

export class TaskRegistry {
  private readonly handlers: ReadonlyMap<string, TaskHandler>;

  constructor(handlers: readonly TaskHandler[] = TASK_HANDLERS) {
    this.handlers = new Map(handlers.map((handler) => [handler.type, handler]));
  }

  get types(): string[] {
    return [...this.handlers.keys()];
  }

  find(type: string): TaskHandler | undefined {
    return this.handlers.get(type);
  }
}
