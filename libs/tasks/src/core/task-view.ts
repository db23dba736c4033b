import type { TaskStatus, WebhookStatus } from './task-status';
import type { Task, TaskError } from './task.entity';

export interface TaskProgressView {
  done: number;
  total: number;
  /** 0 to 100, whole numbers */
  percent: number;
}

export interface TaskWebhookView {
  url: string;
  status: WebhookStatus | null;
  attempts: number;
  lastError: string | null;
}

/** A task as its owner sees it (GET /tasks/:id, SSE, webhook body); never the worker's internals. */
export interface TaskView {
  id: string;
  type: string;
  status: TaskStatus;
  progress: TaskProgressView;
  input?: unknown;
  result?: unknown;
  error: TaskError | null;
  attempts: number;
  webhook: TaskWebhookView | null;
  createdAt: string;
  updatedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export function progressView(done: number, total: number): TaskProgressView {
  const percent = total > 0 ? Math.min(100, Math.floor((done / total) * 100)) : 100;
  return { done, total, percent };
}

/** The whole task: input and (partial) result included. */
export function toTaskView(task: Task): TaskView {
  return { ...toTaskSummary(task), input: task.input, result: task.result ?? null };
}

/** For lists: no input or result, which can be large. */
export function toTaskSummary(task: Task): TaskView {
  return {
    id: task.id,
    type: task.type,
    status: task.status,
    progress: progressView(task.progressDone, task.progressTotal),
    error: task.error,
    attempts: task.attempts,
    webhook: task.webhookUrl
      ? {
          url: task.webhookUrl,
          status: task.webhookStatus,
          attempts: task.webhookAttempts,
          lastError: task.webhookError,
        }
      : null,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
    startedAt: task.startedAt?.toISOString() ?? null,
    finishedAt: task.finishedAt?.toISOString() ?? null,
  };
}
