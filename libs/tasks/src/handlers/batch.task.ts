import type { ChatRequest, ChatResponse } from '@app/llm';
import { describeFailure, TaskFailedError, taskErrorOf, type TaskFailure } from '../core/task-failure';
import type { TaskError } from '../core/task.entity';
import { forEachBounded } from './bounded-pool';
import { parseChatRequest } from './chat-request.input';
import { InputProblems, isPlainObject, type PlainObject } from './input-problems';
import type { TaskHandler, TaskLimits } from './task-handler';

export interface BatchTaskInput {
  requests: ChatRequest[];
  /** Requests in flight at once (capped by tasks.batchMaxConcurrency). */
  concurrency: number;
}

export type BatchItem =
  | { index: number; status: 'succeeded'; response: ChatResponse }
  | { index: number; status: 'failed'; error: TaskError };

export interface BatchTaskResult {
  /** One entry per finished request, in request order; requests not run yet are absent. */
  items: BatchItem[];
  succeeded: number;
  failed: number;
}

const INPUT_KEYS = ['requests', 'concurrency'] as const;

/**
 * `batch`: many chat requests, a few at a time. A failed request is recorded and the others go on; the
 * task fails only when every request failed. Finished requests are kept as the partial result, so a
 * retried or taken-over task runs only what is missing.
 */
export const batchTask: TaskHandler<BatchTaskInput, BatchTaskResult> = {
  type: 'batch',

  parseInput(input, limits) {
    const problems = new InputProblems();
    if (!isPlainObject(input)) {
      problems.add('input', 'must be an object');
      problems.throwIfAny();
    }
    const value = input as PlainObject;
    problems.rejectUnknownKeys(value, INPUT_KEYS, '');
    const requests = parseRequests(value.requests, limits, problems);
    const concurrency = parseConcurrency(value.concurrency, limits, problems);
    problems.throwIfAny();
    return { requests: requests!, concurrency };
  },

  totalSteps: (input) => input.requests.length,

  async run(input, context) {
    const total = input.requests.length;
    const items = keptItems(context.resumeFrom, total);
    const failures = new Map<number, TaskFailure>();
    const pending = input.requests.map((_, index) => index).filter((index) => !items.has(index));
    await forEachBounded(pending, input.concurrency, context.signal, async (index) => {
      try {
        const response = await context.chat.complete(input.requests[index]);
        items.set(index, { index, status: 'succeeded', response });
      } catch (error) {
        if (context.signal.aborted) throw error;
        const failure = describeFailure(error);
        failures.set(index, failure);
        items.set(index, { index, status: 'failed', error: taskErrorOf(failure) });
      }
      await context.checkpoint({ done: items.size, total }, summarise(items));
    });
    const result = summarise(items);
    if (result.succeeded === 0) throw everyRequestFailed(failures);
    return result;
  },
};

/** The task fails (and is retried when that may help) with the first request's failure. */
function everyRequestFailed(failures: Map<number, TaskFailure>): TaskFailedError {
  const first = failures.get(Math.min(...failures.keys()));
  return new TaskFailedError({
    code: first?.code ?? 'internal_error',
    message: `every request of the batch failed; the first with: ${first?.message ?? 'unknown error'}`,
    retryable: first?.retryable ?? true,
    unexpected: false,
  });
}

function summarise(items: Map<number, BatchItem>): BatchTaskResult {
  const sorted = [...items.values()].sort((a, b) => a.index - b.index);
  const succeeded = sorted.filter((item) => item.status === 'succeeded').length;
  return { items: sorted, succeeded, failed: sorted.length - succeeded };
}

/** The succeeded requests of an earlier run's partial result (failed ones are tried again). */
function keptItems(partial: unknown, total: number): Map<number, BatchItem> {
  const kept = new Map<number, BatchItem>();
  if (!isPlainObject(partial) || !Array.isArray(partial.items)) return kept;
  for (const item of partial.items as unknown[]) {
    if (
      isPlainObject(item) &&
      item.status === 'succeeded' &&
      Number.isInteger(item.index) &&
      (item.index as number) >= 0 &&
      (item.index as number) < total &&
      isPlainObject(item.response)
    ) {
      kept.set(item.index as number, item as unknown as BatchItem);
    }
  }
  return kept;
}

function parseRequests(
  value: unknown,
  limits: TaskLimits,
  problems: InputProblems,
): ChatRequest[] | undefined {
  if (!Array.isArray(value) || value.length === 0 || value.length > limits.batchMaxItems) {
    problems.add('requests', `must be an array of 1 to ${limits.batchMaxItems} chat requests`);
    return undefined;
  }
  const requests = value.map((request, i) => parseChatRequest(request, `requests[${i}]`, problems));
  return requests.every((r): r is ChatRequest => r !== undefined) ? requests : undefined;
}

function parseConcurrency(value: unknown, limits: TaskLimits, problems: InputProblems): number {
  if (value === undefined) return limits.batchMaxConcurrency;
  if (Number.isInteger(value) && (value as number) >= 1 && (value as number) <= limits.batchMaxConcurrency) {
    return value as number;
  }
  problems.add('concurrency', `must be an integer between 1 and ${limits.batchMaxConcurrency}`);
  return limits.batchMaxConcurrency;
}
