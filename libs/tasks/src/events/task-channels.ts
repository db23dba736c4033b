import type { TaskStatus } from '../core/task-status';

/** Redis pub/sub channel names, under redis.keyPrefix like every other key. */
export const taskChannels = {
  /** Every worker listens: the message is the id of a task to stop at once. */
  cancel: (keyPrefix: string): string => `${keyPrefix}tasks:cancel`,
  /** One task's status and progress changes, for GET /tasks/:id/events. */
  events: (keyPrefix: string, taskId: string): string => `${keyPrefix}tasks:events:${taskId}`,
};

/** What is published on a task's events channel; the api re-reads the row for the final answer. */
export interface TaskChangeMessage {
  status: TaskStatus;
  done: number;
  total: number;
}

export function parseTaskChange(message: string): TaskChangeMessage | undefined {
  try {
    const value = JSON.parse(message) as Partial<TaskChangeMessage>;
    if (
      typeof value.status === 'string' &&
      typeof value.done === 'number' &&
      typeof value.total === 'number'
    ) {
      return { status: value.status, done: value.done, total: value.total };
    }
  } catch {
    // not ours: ignored
  }
  return undefined;
}
