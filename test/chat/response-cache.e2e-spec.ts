import type Redis from 'ioredis';
import type OpenAI from 'openai';
import type { ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { connectedClient } from '../llm/redis-test-clients';
import { TcpProxy } from '../support/tcp-proxy';
import { testRedisUrl } from '../support/services';
import { authorized, MODELS, startChatTestbed, type ChatTestbed } from './support/chat-testbed';
import { contentOf, parseSse } from './support/sse';

const DETERMINISTIC: ChatCompletionCreateParamsNonStreaming = {
  model: MODELS.openai,
  messages: [
    { role: 'system', content: 'You are terse.' },
    { role: 'user', content: 'What is the capital of France?' },
  ],
  temperature: 0,
  max_tokens: 50,
};

async function cacheKeys(redis: Redis, bed: ChatTestbed): Promise<string[]> {
  return redis.keys(`${bed.keyPrefix}cache:*`);
}

/** The store is fire-and-forget: wait until the gateway has written `count` entries. */
async function entriesStored(redis: Redis, bed: ChatTestbed, count: number): Promise<void> {
  const deadline = Date.now() + 2_000;
  while ((await cacheKeys(redis, bed)).length < count) {
    if (Date.now() > deadline) throw new Error(`expected ${count} cache entries`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Empties the cache between tests. A test's last miss is stored after its answer (fire-and-forget), so an
 * entry may land after a single delete and leak into the next test: delete until none has appeared for
 * 100 ms.
 */
async function clearCache(redis: Redis, bed: ChatTestbed): Promise<void> {
  let quietSince = Date.now();
  while (Date.now() - quietSince < 100) {
    const keys = await cacheKeys(redis, bed);
    if (keys.length) {
      await redis.del(...keys);
      quietSince = Date.now();
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function ask(
  client: OpenAI,
  body: ChatCompletionCreateParamsNonStreaming,
  headers: Record<string, string> = {},
): Promise<{
  content: string | null;
  cache: string | null;
  deployment: string | null;
  attempts: string | null;
}> {
  const { data, response } = await client.chat.completions.create(body, { headers }).withResponse();
  return {
    content: data.choices[0].message.content,
    cache: response.headers.get('x-gateway-cache'),
    deployment: response.headers.get('x-gateway-deployment'),
    attempts: response.headers.get('x-gateway-attempts'),
  };
}

describe('response cache (Redis, exact match)', () => {
  let bed: ChatTestbed;
  let redis: Redis;

  beforeAll(async () => {
    bed = await startChatTestbed();
    redis = await connectedClient();
  });
  afterEach(async () => {
    bed.fake.reset();
    await clearCache(redis, bed);
  });
  afterAll(async () => {
    redis?.disconnect();
    await bed?.close();
  });

  it('answers an identical deterministic request from the cache', async () => {
    const first = await ask(bed.openai, DETERMINISTIC);
    expect(first).toMatchObject({ cache: 'miss', deployment: 'openai-main', attempts: '1' });
    await entriesStored(redis, bed, 1);
    const ttl = await redis.ttl((await cacheKeys(redis, bed))[0]);
    expect(ttl).toBeGreaterThan(3_000);
    expect(ttl).toBeLessThanOrEqual(3_600);

    const second = await ask(bed.openai, DETERMINISTIC);
    expect(second).toEqual({
      content: first.content,
      cache: 'hit',
      deployment: 'openai-main',
      attempts: '0',
    });
    expect(bed.fake.calls).toHaveLength(1);
  });

  it('matches whatever order the JSON keys come in', async () => {
    const send = (body: string): Promise<Response> =>
      fetch(`${bed.url}/v1/chat/completions`, { method: 'POST', headers: authorized(bed), body });
    const first = await send(
      `{"model":"${MODELS.openai}","temperature":0,"max_tokens":20,"messages":[{"role":"user","content":"order"}]}`,
    );
    expect(first.headers.get('x-gateway-cache')).toBe('miss');
    await entriesStored(redis, bed, 1);
    const second = await send(
      `{"messages":[{"content":"order","role":"user"}],"max_tokens":20,"temperature":0,"model":"${MODELS.openai}"}`,
    );
    expect(second.headers.get('x-gateway-cache')).toBe('hit');
  });

  it.each<[string, Partial<ChatCompletionCreateParamsNonStreaming>]>([
    ['max_tokens', { max_tokens: 51 }],
    ['top_p', { top_p: 0.5 }],
    ['stop', { stop: ['END'] }],
    ['seed', { seed: 7 }],
    ['response_format', { response_format: { type: 'json_object' } }],
    [
      'tools',
      { tools: [{ type: 'function', function: { name: 'lookup', parameters: { type: 'object' } } }] },
    ],
    ['messages', { messages: [{ role: 'user', content: 'What is the capital of Spain?' }] }],
    ['model', { model: MODELS.anthropic }],
  ])('misses when %s differs', async (_param, change) => {
    await ask(bed.openai, DETERMINISTIC);
    await entriesStored(redis, bed, 1);
    const changed = await ask(bed.openai, { ...DETERMINISTIC, ...change });
    expect(changed.cache).toBe('miss');
    expect(bed.fake.calls).toHaveLength(2);
  });

  it('ignores what does not change the answer (user, stream options)', async () => {
    await ask(bed.openai, DETERMINISTIC);
    await entriesStored(redis, bed, 1);
    expect((await ask(bed.openai, { ...DETERMINISTIC, user: 'someone-else' })).cache).toBe('hit');
  });

  it('keeps callers apart: another user misses', async () => {
    await ask(bed.openai, DETERMINISTIC);
    await entriesStored(redis, bed, 1);
    expect((await ask(bed.otherUser, DETERMINISTIC)).cache).toBe('miss');
    expect(bed.fake.calls).toHaveLength(2);
  });

  it('bypasses non-deterministic requests unless the caller opts in', async () => {
    const warm = { ...DETERMINISTIC, temperature: 0.7 };
    expect((await ask(bed.openai, warm)).cache).toBe('bypass');
    expect((await ask(bed.openai, { ...DETERMINISTIC, temperature: undefined })).cache).toBe('bypass');
    expect(await cacheKeys(redis, bed)).toEqual([]);

    expect((await ask(bed.openai, warm, { 'x-gateway-cache': 'on' })).cache).toBe('miss');
    await entriesStored(redis, bed, 1);
    expect((await ask(bed.openai, warm, { 'x-gateway-cache': 'on' })).cache).toBe('hit');
  });

  it('Cache-Control: no-cache bypasses the lookup (and refreshes the entry)', async () => {
    await ask(bed.openai, DETERMINISTIC);
    await entriesStored(redis, bed, 1);
    const fresh = await ask(bed.openai, DETERMINISTIC, { 'cache-control': 'no-cache' });
    expect(fresh.cache).toBe('bypass');
    expect(bed.fake.calls).toHaveLength(2);
    expect((await ask(bed.openai, DETERMINISTIC)).cache).toBe('hit');
  });

  it('Cache-Control: no-store answers but stores nothing', async () => {
    const answered = await ask(bed.openai, DETERMINISTIC, { 'cache-control': 'no-store' });
    expect(answered.cache).toBe('miss');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await cacheKeys(redis, bed)).toEqual([]);
    expect((await ask(bed.openai, DETERMINISTIC)).cache).toBe('miss');
  });

  it('never caches an error', async () => {
    bed.fake.enqueue('openai', { kind: 'status', status: 400, message: 'nope' });
    await expect(ask(bed.openai, DETERMINISTIC)).rejects.toMatchObject({ status: 400 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await cacheKeys(redis, bed)).toEqual([]);

    const retried = await ask(bed.openai, DETERMINISTIC);
    expect(retried.cache).toBe('miss');
    expect(retried.content).toBe('echo: What is the capital of France?');
    expect(bed.fake.calls).toHaveLength(2);
  });

  it('does not cache streams unless cache.cacheStreams is on', async () => {
    const res = await fetch(`${bed.url}/v1/chat/completions`, {
      method: 'POST',
      headers: authorized(bed),
      body: JSON.stringify({ ...DETERMINISTIC, stream: true }),
    });
    expect(res.headers.get('x-gateway-cache')).toBe('bypass');
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await cacheKeys(redis, bed)).toEqual([]);
  });
});

describe('response cache with cache.cacheStreams on', () => {
  let bed: ChatTestbed;
  let redis: Redis;

  const stream = (headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${bed.url}/v1/chat/completions`, {
      method: 'POST',
      headers: authorized(bed, headers),
      body: JSON.stringify({ ...DETERMINISTIC, stream: true, stream_options: { include_usage: true } }),
    });

  beforeAll(async () => {
    bed = await startChatTestbed({ cache: { cacheStreams: true } });
    redis = await connectedClient();
  });
  afterEach(async () => {
    bed.fake.reset();
    await clearCache(redis, bed);
  });
  afterAll(async () => {
    redis?.disconnect();
    await bed?.close();
  });

  it('replays a cached completion as chunks, with usage and [DONE]', async () => {
    const json = await ask(bed.openai, DETERMINISTIC);
    await entriesStored(redis, bed, 1);

    const res = await stream();
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(res.headers.get('x-gateway-cache')).toBe('hit');
    const events = parseSse(await res.text());
    expect(contentOf(events)).toBe(json.content);
    expect(events.data[events.data.length - 1]).toBe('[DONE]');
    const usage = JSON.parse(events.data[events.data.length - 2]) as { choices: unknown[]; usage: unknown };
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({ total_tokens: expect.any(Number) });
    expect(bed.fake.calls).toHaveLength(1);
  });

  it('stores a streamed answer, then serves it to JSON and streamed requests alike', async () => {
    const first = await stream();
    expect(first.headers.get('x-gateway-cache')).toBe('miss');
    const streamed = contentOf(parseSse(await first.text()));
    await entriesStored(redis, bed, 1);

    const json = await ask(bed.openai, DETERMINISTIC);
    expect(json).toMatchObject({ content: streamed, cache: 'hit' });
    const again = await stream();
    expect(again.headers.get('x-gateway-cache')).toBe('hit');
    expect(contentOf(parseSse(await again.text()))).toBe(streamed);
    expect(bed.fake.calls).toHaveLength(1);
  });

  it('does not store a stream that failed midway', async () => {
    bed.fake.enqueue('openai', { kind: 'stream-die', afterChunks: 2 });
    const res = await stream();
    const events = parseSse(await res.text());
    expect(events.data[events.data.length - 1]).toMatch(/"error"/);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await cacheKeys(redis, bed)).toEqual([]);
  });
});

describe('response cache while Redis is down', () => {
  let bed: ChatTestbed;
  let proxy: TcpProxy;

  beforeAll(async () => {
    const forwarded = await TcpProxy.forUrl(testRedisUrl());
    proxy = forwarded.proxy;
    bed = await startChatTestbed({}, forwarded.url);
  });
  afterAll(async () => {
    await bed?.close();
    await proxy?.close();
  });

  it('answers as a miss, without failing or waiting', async () => {
    proxy.cut();
    const startedAt = Date.now();
    const answer = await ask(bed.openai, DETERMINISTIC);
    expect(answer).toMatchObject({ cache: 'miss', content: 'echo: What is the capital of France?' });
    expect(Date.now() - startedAt).toBeLessThan(1_000);
    proxy.restore();
  });
});
