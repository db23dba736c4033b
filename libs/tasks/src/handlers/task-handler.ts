import type { TasksConfig } from '@app/config';
import type { ChatRequest, ChatResponse } from '@app/llm';

/** The chat completion a handler may ask for: the task's owner, limits and cancellation are bound already. */
export interface TaskChat {
  /** Rejects with ProviderError `aborted` once the task's signal fires (the upstream call is cancelled). */
  complete(request: ChatRequest): Promise<ChatResponse>;
}

export interface TaskProgress {
  done: number;
  total: number;
}

export interface TaskContext {
  readonly taskId: string;
  /** Fires when the task is cancelled, the worker shuts down, or another run took the task over. */
  readonly signal: AbortSignal;
  readonly chat: TaskChat;
  /** The partial result an earlier, interrupted run of this task kept (null on the first run). */
  readonly resumeFrom: unknown;
  /** Records progress and, when given, the partial result so far (kept if the task fails or is cancelled). */
  checkpoint(progress: TaskProgress, partial?: unknown): Promise<void>;
}

export type TaskLimits = Pick<TasksConfig, 'batchMaxConcurrency' | 'batchMaxItems' | 'chainMaxSteps'>;

/**
 * One task type. A new type is one file implementing this, listed in TASK_HANDLERS; the api validates
 * input with `parseInput` before anything is stored, the worker runs `run`.
 */
export interface TaskHandler<Input = unknown, Result = unknown> {
  readonly type: string;
  /** The caller's input, checked and normalised; throws invalidTaskInput listing every problem. */
  parseInput(input: unknown, limits: TaskLimits): Input;
  /** Units of progress the task reports (1 for a single completion). */
  totalSteps(input: Input): number;
  run(input: Input, context: TaskContext): Promise<Result>;
}
