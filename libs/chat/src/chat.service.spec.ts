import { RedisResponseStore, ResponseCache } from '@app/cache';
import { DomainException, ErrorCode } from '@app/common';
import type { AppConfig } from '@app/config';
import { ProviderError, type ChatChunk, type ChatRequest } from '@app/llm';
import { fail, hang, respond, streamOf } from '@app/llm/router/testing/fake-provider';
import { deploymentConfig } from '@app/llm/router/testing/fixtures';
import { routerHarness, type RouterHarness } from '@app/llm/router/testing/router-harness';
import type Redis from 'ioredis';
import type { ChatContext } from './chat-context';
import { ChatObservers, type ChatFinishedEvent } from './chat-observers';
import { ChatService } from './chat.service';
import type { TokenBudget } from './token-budget';

class MapRedis {
  readonly values = new Map<string, string>();
  get(key: string): Promise<string | null> {
    return Promise.resolve(this.values.get(key) ?? null);
  }
  set(key: string, value: string): Promise<'OK'> {
    this.values.set(key, value);
    return Promise.resolve('OK');
  }
}

class RecordingBudget implements TokenBudget {
  checks = 0;
  recorded: number[] = [];
  refuse = false;
  assertWithinBudget(): Promise<void> {
    this.checks++;
    return this.refuse
      ? Promise.reject(new DomainException({ status: 429, code: ErrorCode.RateLimited, message: 'spent' }))
      : Promise.resolve();
  }
  recordTokens(_caller: unknown, tokens: number): void {
    this.recorded.push(tokens);
  }
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function config(cacheStreams = false): AppConfig {
  return {
    redis: { keyPrefix: 'unit:' },
    routing: { requestTimeoutMs: 60_000 },
    cache: { enabled: true, ttlSeconds: 60, maxEntryBytes: 100_000, cacheStreams, lookupTimeoutMs: 50 },
  } as AppConfig;
}

const deterministic = (overrides: Partial<ChatRequest> = {}): ChatRequest => ({
  model: 'chat',
  messages: [{ role: 'user', content: 'Say hello' }],
  temperature: 0,
  ...overrides,
});

async function drain(chunks: AsyncIterable<ChatChunk>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('ChatService', () => {
  let harness: RouterHarness;
  let redis: MapRedis;
  let budget: RecordingBudget;
  let events: ChatFinishedEvent[];
  let context: ChatContext;

  function service(cacheStreams = false): ChatService {
    const appConfig = config(cacheStreams);
    const observers = new ChatObservers();
    observers.add({ onChatFinished: (event) => void events.push(event) });
    return new ChatService(
      harness.router,
      harness.catalog,
      new ResponseCache(new RedisResponseStore(redis as unknown as Redis, appConfig), appConfig.cache),
      observers,
      appConfig,
      budget,
    );
  }

  beforeEach(() => {
    harness = routerHarness([
      deploymentConfig('primary', { models: [{ name: 'chat', model: 'vendor-chat-v2' }] }),
      deploymentConfig('backup', { type: 'anthropic', priority: 1 }),
    ]);
    redis = new MapRedis();
    budget = new RecordingBudget();
    events = [];
    context = { caller: { id: 'user-1' }, requestId: 'req-1', route: 'POST /v1/chat/completions' };
  });
  // observers hear of a request on the next turn: let each test's events arrive before the next test
  afterEach(() => nextTurn());

  describe('complete', () => {
    it('answers under the public model name, charges the tokens, reports the request', async () => {
      harness.provider('primary').then(respond('hello', 12));
      const result = await service().complete(deterministic({ temperature: 0.5 }), context);

      expect(result.response.model).toBe('chat');
      expect(result.response.choices[0].message.content).toBe('hello');
      expect(harness.provider('primary').calls[0].request.model).toBe('vendor-chat-v2');
      expect(result.routing).toMatchObject({
        provider: 'openai',
        deploymentId: 'primary',
        requestedModel: 'chat',
      });
      expect(result.cache).toBe('bypass');
      expect(budget.checks).toBe(1);
      expect(budget.recorded).toEqual([12]);
      expect(events).toEqual([]); // observers hear of it after the request's own work
      await nextTurn();
      expect(events).toEqual([
        expect.objectContaining({
          callerId: 'user-1',
          requestId: 'req-1',
          route: 'POST /v1/chat/completions',
          requestedModel: 'chat',
          model: 'chat',
          deploymentId: 'primary',
          stream: false,
          outcome: 'ok',
          cache: 'bypass',
          usage: expect.objectContaining({ total_tokens: 12 }),
        }),
      ]);
    });

    it('stores a deterministic answer and serves the next identical request from the cache', async () => {
      const chat = service();
      const first = await chat.complete(deterministic(), context);
      expect(first.cache).toBe('miss');
      await nextTurn();
      expect([...redis.values.keys()]).toEqual([expect.stringMatching(/^unit:cache:[0-9a-f]{64}$/)]);

      const second = await chat.complete(deterministic(), context);
      expect(second).toEqual({
        response: first.response,
        routing: { ...first.routing, attempts: [] },
        cache: 'hit',
      });
      expect(harness.provider('primary').calls).toHaveLength(1);
      expect(budget.recorded).toHaveLength(1); // a hit costs no vendor tokens
      await nextTurn();
      expect(events.map((e) => e.cache)).toEqual(['miss', 'hit']);
    });

    it('skips the budget check when the caller already made it', async () => {
      await service().complete(deterministic(), { ...context, budgetChecked: true });
      expect(budget.checks).toBe(0);
    });

    it('refuses before any vendor call when the budget is spent', async () => {
      budget.refuse = true;
      await expect(service().complete(deterministic(), context)).rejects.toMatchObject({ status: 429 });
      expect(harness.provider('primary').calls).toHaveLength(0);
    });

    it("lets a vendor's refusal through unchanged, stores nothing and reports the error", async () => {
      harness.provider('primary').then(fail(400, { message: 'bad image' }));
      const error = await service()
        .complete(deterministic(), context)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      expect((error as ProviderError).message).toBe('bad image');
      await nextTurn();
      expect(redis.values.size).toBe(0);
      expect(events).toEqual([
        expect.objectContaining({
          outcome: 'error',
          error: { code: 'bad_request', status: 400, message: 'bad image' },
        }),
      ]);
    });

    it('records an aborted call as aborted', async () => {
      harness.provider('primary').then(hang());
      const controller = new AbortController();
      const pending = service()
        .complete(deterministic(), { ...context, signal: controller.signal })
        .catch((e: unknown) => e);
      await nextTurn();
      controller.abort();
      expect(await pending).toMatchObject({ code: 'aborted' });
      await nextTurn();
      expect(events).toEqual([expect.objectContaining({ outcome: 'aborted', stream: false })]);
    });

    it('keeps callers apart in the cache', async () => {
      const chat = service();
      await chat.complete(deterministic(), context);
      await nextTurn();
      expect((await chat.complete(deterministic(), { ...context, caller: { id: 'user-2' } })).cache).toBe(
        'miss',
      );
    });
  });

  describe('stream', () => {
    it('passes the chunks through and reports usage and time to first chunk at the end', async () => {
      harness.provider('primary').then(streamOf(['Hel', 'lo'], { totalTokens: 9 }));
      const result = await service().stream(deterministic({ temperature: 1 }), context);
      expect(result.routing.deploymentId).toBe('primary');
      expect(await drain(result.chunks)).toBe('Hello');
      expect(budget.recorded).toEqual([9]);
      await nextTurn();
      expect(events).toEqual([
        expect.objectContaining({
          stream: true,
          outcome: 'ok',
          cache: 'bypass',
          usage: expect.objectContaining({ total_tokens: 9 }),
          ttftMs: expect.any(Number),
        }),
      ]);
    });

    it('reports a consumer that stops early as aborted, and closes the upstream stream', async () => {
      harness.provider('primary').then(streamOf(['a', 'b', 'c'], { totalTokens: 3 }));
      const result = await service().stream(deterministic({ temperature: 1 }), context);
      for await (const chunk of result.chunks) {
        expect(chunk.choices[0].delta.content).toBe('a');
        break;
      }
      await nextTurn();
      expect(harness.provider('primary').closedStreams).toBe(1);
      expect(events).toEqual([expect.objectContaining({ outcome: 'aborted', stream: true })]);
    });

    it('with cacheStreams: stores a finished stream and replays it as chunks', async () => {
      harness.provider('primary').then(streamOf(['Hel', 'lo'], { totalTokens: 9 }));
      const chat = service(true);
      const first = await chat.stream(deterministic(), context);
      expect(first.cache).toBe('miss');
      expect(await drain(first.chunks)).toBe('Hello');
      await nextTurn();
      expect(redis.values.size).toBe(1);

      const replay = await chat.stream(deterministic(), context);
      expect(replay.cache).toBe('hit');
      expect(await drain(replay.chunks)).toBe('Hello');
      const json = await chat.complete(deterministic(), context);
      expect(json).toMatchObject({ cache: 'hit', response: { model: 'chat' } });
      expect(harness.provider('primary').calls).toHaveLength(1);
    });

    it('does not store a stream that failed after its first chunk', async () => {
      harness.provider('primary').then(streamOf(['Hel'], { thenFail: { status: 502 } }));
      const result = await service(true).stream(deterministic(), context);
      await expect(drain(result.chunks)).rejects.toBeInstanceOf(ProviderError);
      await nextTurn();
      expect(redis.values.size).toBe(0);
      expect(events).toEqual([expect.objectContaining({ outcome: 'error', stream: true })]);
    });
  });

  it('names the default model: routing.defaultModel, else the first one served', () => {
    expect(service().defaultModel()).toBe('chat');
    const chat = service();
    (chat as unknown as { config: AppConfig }).config.routing.defaultModel = 'preferred';
    expect(chat.defaultModel()).toBe('preferred');
  });
});
