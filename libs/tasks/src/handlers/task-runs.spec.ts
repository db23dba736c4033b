import { DomainException, ErrorCode } from '@app/common';
import type { ChatRequest, ChatResponse } from '@app/llm';
import { batchTask } from './batch.task';
import { chainTask } from './chain.task';
import type { TaskContext, TaskProgress } from './task-handler';
import { TaskFailedError } from '../core/task-failure';

function reply(text: string): ChatResponse {
  return {
    id: 'r',
    created: 0,
    model: 'm',
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  };
}

function context(complete: (request: ChatRequest) => Promise<ChatResponse>, resumeFrom: unknown = null) {
  const checkpoints: { progress: TaskProgress; partial?: unknown }[] = [];
  const ctx: TaskContext = {
    taskId: 't',
    signal: new AbortController().signal,
    resumeFrom,
    chat: { complete },
    checkpoint: async (progress, partial) => {
      checkpoints.push({ progress, partial });
    },
  };
  return { ctx, checkpoints };
}

const lastPrompt = (request: ChatRequest): string => request.messages.at(-1)!.content as string;
const chat = (prompt: string, model = 'm') => ({
  model,
  messages: [{ role: 'user' as const, content: prompt }],
});

describe('batch task run', () => {
  it('keeps going past failed requests and never runs more than `concurrency` at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const { ctx, checkpoints } = context(async (request) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setTimeout(resolve, 5));
      inFlight--;
      if (lastPrompt(request) === 'bad') throw DomainException.badRequest('nope');
      return reply(`echo ${lastPrompt(request)}`);
    });
    const requests = ['a', 'bad', 'c', 'd', 'e'].map((p) => chat(p));
    const result = await batchTask.run({ requests, concurrency: 2 }, ctx);
    expect(peak).toBe(2);
    expect(result.succeeded).toBe(4);
    expect(result.failed).toBe(1);
    expect(result.items[1]).toMatchObject({ error: { code: 'bad_request', message: 'nope' } });
    expect(result.items.map((i) => i.status)).toEqual([
      'succeeded',
      'failed',
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    expect(checkpoints.at(-1)?.progress).toEqual({ done: 5, total: 5 });
  });

  it('resumes from an earlier run: succeeded requests are kept, failed ones run again', async () => {
    const previous = {
      items: [
        { index: 0, status: 'succeeded', response: reply('kept') },
        { index: 1, status: 'failed', error: { code: 'rate_limited', message: 'x' } },
      ],
    };
    const asked: string[] = [];
    const { ctx } = context(async (request) => {
      asked.push(lastPrompt(request));
      return reply('new');
    }, previous);
    const result = await batchTask.run({ requests: [chat('a'), chat('b'), chat('c')], concurrency: 1 }, ctx);
    expect(asked).toEqual(['b', 'c']);
    expect(result.items[0]).toMatchObject({ response: { choices: [{ message: { content: 'kept' } }] } });
  });

  it('fails, retryable or not as the first failure was, when every request failed', async () => {
    const { ctx } = context(async () => {
      throw new DomainException({ status: 429, code: ErrorCode.RateLimited, message: 'slow down' });
    });
    const error = await batchTask
      .run({ requests: [chat('a'), chat('b')], concurrency: 2 }, ctx)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskFailedError);
    expect((error as TaskFailedError).failure).toMatchObject({ code: 'rate_limited', retryable: true });
  });
});

describe('chain task run', () => {
  it('feeds each answer into the next prompt and resumes after the steps already done', async () => {
    const asked: string[] = [];
    const { ctx, checkpoints } = context(
      async (request) => {
        asked.push(lastPrompt(request));
        return reply(`<${lastPrompt(request)}>`);
      },
      { steps: [{ prompt: 'one', output: '<one>', model: 'm', usage: {} }] },
    );
    const result = await chainTask.run(
      {
        model: 'm',
        system: 'sys',
        steps: [{ prompt: 'one' }, { prompt: 'two {{previous}}' }, { prompt: '$& {{previous}}' }],
      },
      ctx,
    );
    expect(asked).toEqual(['two <one>', '$& <two <one>>']);
    expect(result.output).toBe('<$& <two <one>>>');
    expect(result.steps).toHaveLength(3);
    expect(checkpoints.map((c) => c.progress.done)).toEqual([2, 3]);
  });
});
