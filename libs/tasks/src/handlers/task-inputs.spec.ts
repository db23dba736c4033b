import { DomainException } from '@app/common';
import { batchTask } from './batch.task';
import { chainTask } from './chain.task';
import { chatTask } from './chat.task';
import type { TaskHandler, TaskLimits } from './task-handler';
import { TASK_HANDLERS, TaskRegistry } from './task-registry';

const limits: TaskLimits = { batchMaxConcurrency: 4, batchMaxItems: 3, chainMaxSteps: 2 };
const chat = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };

function problemsOf(handler: TaskHandler, input: unknown): string[] {
  try {
    handler.parseInput(input, limits);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainException);
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    return (error as DomainException).details as string[];
  }
  throw new Error('expected the input to be refused');
}

describe('task registry', () => {
  it('knows chat, batch and chain', () => {
    expect(new TaskRegistry().types).toEqual(['chat', 'batch', 'chain']);
    expect(new TaskRegistry(TASK_HANDLERS).find('batch')).toBe(batchTask);
    expect(new TaskRegistry().find('nope')).toBeUndefined();
  });
});

describe('chat task input', () => {
  it('accepts a chat request and keeps only known fields', () => {
    const input = chatTask.parseInput(
      {
        ...chat,
        temperature: 0.2,
        max_tokens: 10,
        stop: 'END',
        response_format: { type: 'json_object' },
        messages: [
          { role: 'system', content: 'be brief' },
          {
            role: 'user',
            content: [
              { type: 'text', text: 'look' },
              { type: 'image_url', image_url: { url: 'https://x/y.png' } },
            ],
          },
        ],
      },
      limits,
    );
    expect(input).toEqual({
      model: 'm',
      temperature: 0.2,
      max_tokens: 10,
      stop: ['END'],
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'be brief' },
        {
          role: 'user',
          content: [
            { type: 'text', text: 'look' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
      ],
    });
    expect(chatTask.totalSteps(input)).toBe(1);
  });

  it('lists every problem with its path', () => {
    expect(
      problemsOf(chatTask, {
        model: ' ',
        messages: [{ role: 'robot', content: 5 }, { role: 'user', content: [{ type: 'audio' }] }, 'x'],
        temperature: 3,
        max_tokens: 1.5,
        stop: ['a', 'b', 'c', 'd', 'e'],
        stream: true,
      }),
    ).toEqual([
      'stream is not allowed',
      'model must be a non-empty string',
      'messages[0].role must be one of: system, user, assistant, tool',
      'messages[0].content must be a string or a non-empty array of content parts',
      'messages[1].content[0] must be {type:"text",text} or {type:"image_url",image_url:{url,detail?}}',
      'messages[2] must be an object',
      'temperature must be a number between 0 and 2',
      'max_tokens must be an integer at least 1',
      'stop must be a string or 1 to 4 non-empty strings',
    ]);
    expect(problemsOf(chatTask, 'hello')).toEqual(['input must be an object']);
    expect(problemsOf(chatTask, { model: 'm', messages: [] })).toEqual([
      'messages must be an array of 1 to 1000 messages',
    ]);
  });
});

describe('batch task input', () => {
  it('accepts up to batchMaxItems requests; concurrency defaults to the cap', () => {
    const input = batchTask.parseInput({ requests: [chat, chat] }, limits);
    expect(input.concurrency).toBe(4);
    expect(batchTask.totalSteps(input)).toBe(2);
    expect(batchTask.parseInput({ requests: [chat], concurrency: 1 }, limits).concurrency).toBe(1);
  });

  it('refuses too many requests, a bad request and a concurrency above the cap', () => {
    expect(problemsOf(batchTask, { requests: [chat, chat, chat, chat] })).toEqual([
      'requests must be an array of 1 to 3 chat requests',
    ]);
    expect(problemsOf(batchTask, { requests: [chat, { model: 'm' }], concurrency: 5, extra: true })).toEqual([
      'extra is not allowed',
      'requests[1].messages must be an array of 1 to 1000 messages',
      'concurrency must be an integer between 1 and 4',
    ]);
    expect(problemsOf(batchTask, [])).toEqual(['input must be an object']);
  });
});

describe('chain task input', () => {
  it('accepts steps with per-step overrides', () => {
    const input = chainTask.parseInput(
      {
        model: 'm',
        system: 's',
        max_tokens: 5,
        steps: [{ prompt: 'a' }, { prompt: 'b {{previous}}', model: 'n', temperature: 0 }],
      },
      limits,
    );
    expect(input).toEqual({
      model: 'm',
      system: 's',
      max_tokens: 5,
      steps: [{ prompt: 'a' }, { prompt: 'b {{previous}}', model: 'n', temperature: 0 }],
    });
    expect(chainTask.totalSteps(input)).toBe(2);
  });

  it('refuses a missing model, too many steps and bad steps', () => {
    expect(problemsOf(chainTask, { steps: [{ prompt: 'a' }, { prompt: 'b' }, { prompt: 'c' }] })).toEqual([
      'model must be a non-empty string',
      'steps must be an array of 1 to 2 steps',
    ]);
    expect(
      problemsOf(chainTask, { model: 'm', system: 1, steps: [{ prompt: '' }, { prompt: 'x', tools: [] }] }),
    ).toEqual([
      'system must be a string',
      'steps[0].prompt must be a non-empty string',
      'steps[1].tools is not allowed',
    ]);
  });
});
