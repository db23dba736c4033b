import { request as httpRequest } from 'node:http';
import { FakeVendorServer } from './index';

/** The fake's own contract, over plain HTTP, so vendor tests can trust what it scripts and records. */

let fake: FakeVendorServer;

beforeAll(async () => {
  fake = await FakeVendorServer.start();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

const chatBody = { model: 'gpt-test', messages: [{ role: 'user', content: 'ping' }] };

function postChat(body: unknown = chatBody, init: RequestInit = {}): Promise<Response> {
  return fetch(`${fake.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-x' },
    body: JSON.stringify(body),
    ...init,
  });
}

/** node:http rather than fetch: a connection the server cuts must surface as a socket error. */
function rawPost(path: string, body: unknown): Promise<{ status?: number; error?: NodeJS.ErrnoException }> {
  return new Promise((resolve) => {
    const req = httpRequest(
      `${fake.url}${path}`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode }));
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
    req.end(JSON.stringify(body));
  });
}

describe('FakeVendorServer', () => {
  it('listens on loopback', () => {
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('applies queued behaviours in order, one per request, then the default', async () => {
    fake.enqueue('openai', { kind: 'status', status: 500 }, { kind: 'status', status: 429, retryAfter: '7' });
    fake.enqueue('openai', { kind: 'status', status: 418 });

    const statuses: number[] = [];
    const retryAfters: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await postChat();
      statuses.push(response.status);
      retryAfters.push(response.headers.get('retry-after'));
      await response.text();
    }

    expect(statuses).toStrictEqual([500, 429, 418, 200]);
    expect(retryAfters).toStrictEqual([null, '7', null, null]);
  });

  it('keeps a queue per vendor', async () => {
    fake.enqueue('azure', { kind: 'status', status: 503 });

    const openAi = await postChat();
    const azure = await fetch(`${fake.url}/openai/deployments/prod/chat/completions?api-version=2024-10-21`, {
      method: 'POST',
      body: JSON.stringify({ messages: chatBody.messages }),
    });

    expect(openAi.status).toBe(200);
    expect(azure.status).toBe(503);
  });

  it('uses the default when the queue is empty, and queued behaviours first', async () => {
    fake.setDefault('openai', { kind: 'status', status: 503, message: 'down for maintenance' });
    fake.enqueue('openai', { kind: 'ok', text: 'queued' });

    const first = (await (await postChat()).json()) as { choices: { message: { content: string } }[] };
    const second = await postChat();
    const third = await postChat();

    expect(first.choices[0].message.content).toBe('queued');
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({
      error: { message: 'down for maintenance', type: 'server_error' },
    });
    expect(third.status).toBe(503);
  });

  it('answers ok by default with an echo and usage of a quarter token per character', async () => {
    const response = await postChat({
      model: 'gpt-test',
      messages: [
        { role: 'system', content: 'abcd' },
        { role: 'user', content: 'hello world' },
      ],
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-test',
      choices: [
        { index: 0, message: { role: 'assistant', content: 'echo: hello world' }, finish_reason: 'stop' },
      ],
      usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 },
    });
  });

  it('records every call: vendor, method, path with query, headers and parsed body', async () => {
    await (await postChat()).text();
    await (await fetch(`${fake.url}/openai/models?api-version=2024-10-21`)).text();

    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[0]).toMatchObject({
      vendor: 'openai',
      method: 'POST',
      path: '/v1/chat/completions',
      body: chatBody,
      aborted: false,
    });
    expect(fake.calls[0].headers.authorization).toBe('Bearer sk-x');
    expect(fake.callsFor('azure')).toMatchObject([
      { method: 'GET', path: '/openai/models?api-version=2024-10-21' },
    ]);
    expect(fake.callsFor('anthropic')).toHaveLength(0);
  });

  it('routes each vendor path to its vendor', async () => {
    await (await fetch(`${fake.url}/v1/messages`, { method: 'POST', body: '{}' })).text();
    await (
      await fetch(`${fake.url}/model/anthropic.claude-3%3A0/converse`, { method: 'POST', body: '{}' })
    ).text();
    await (
      await fetch(`${fake.url}/model/anthropic.claude-3%3A0/converse-stream`, { method: 'POST', body: '{}' })
    ).text();
    await (await fetch(`${fake.url}/v1/models`)).text();

    expect(fake.calls.map((call) => `${call.vendor} ${call.path}`)).toStrictEqual([
      'anthropic /v1/messages',
      'bedrock /model/anthropic.claude-3%3A0/converse',
      'bedrock /model/anthropic.claude-3%3A0/converse-stream',
      'openai /v1/models',
    ]);
  });

  it('answers 404 JSON on unknown routes without recording them', async () => {
    const response = await fetch(`${fake.url}/v2/unknown`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { type: 'not_found' } });
    expect(fake.calls).toHaveLength(0);
  });

  it('reset forgets queues, defaults and calls', async () => {
    fake.enqueue('openai', { kind: 'status', status: 500 });
    fake.setDefault('openai', { kind: 'status', status: 503 });
    await (await fetch(`${fake.url}/v1/models`)).text();

    fake.reset();
    const response = await postChat();

    expect(response.status).toBe(200);
    expect(fake.calls).toHaveLength(1);
  });

  it('delays, then applies the next behaviour', async () => {
    fake.enqueue('openai', { kind: 'delay', ms: 150, then: { kind: 'status', status: 502 } });

    const started = Date.now();
    const response = await postChat();

    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(response.status).toBe(502);
  });

  it('marks a call aborted when the client hangs up mid-delay, and never answers it', async () => {
    fake.enqueue('openai', { kind: 'delay', ms: 5_000 });
    const controller = new AbortController();
    const pending = postChat(chatBody, { signal: controller.signal }).catch((error: unknown) => error);

    const call = await fake.waitForCall('openai');
    expect(call.aborted).toBe(false);
    controller.abort();
    await fake.waitForAbort(call, 100);

    expect(call.aborted).toBe(true);
    expect(await pending).toMatchObject({ name: 'AbortError' });
  });

  it('cuts the connection on reset without counting it as a client abort', async () => {
    fake.enqueue('openai', { kind: 'reset' });

    const outcome = await rawPost('/v1/chat/completions', chatBody);

    expect(outcome.status).toBeUndefined();
    expect(outcome.error?.code).toMatch(/ECONNRESET|socket hang up/i);
    expect(fake.calls[0].aborted).toBe(false);
  });

  it('streams OpenAI SSE: role, words, finish, usage, [DONE]', async () => {
    fake.enqueue('openai', { kind: 'ok', text: 'one two', usage: { input: 3, output: 2 } });

    const response = await postChat({ ...chatBody, stream: true, stream_options: { include_usage: true } });
    const frames = (await response.text()).split('\n\n').filter(Boolean);

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames
      .slice(0, -1)
      .map((frame) => JSON.parse(frame.replace(/^data: /, '')) as Record<string, unknown>);
    expect(
      chunks.map(
        (chunk) => (chunk.choices as { delta: unknown; finish_reason: unknown }[])[0] ?? chunk.usage,
      ),
    ).toStrictEqual([
      {
        index: 0,
        delta: { role: 'assistant', content: '', refusal: null },
        logprobs: null,
        finish_reason: null,
      },
      { index: 0, delta: { content: 'one' }, logprobs: null, finish_reason: null },
      { index: 0, delta: { content: ' two' }, logprobs: null, finish_reason: null },
      { index: 0, delta: {}, logprobs: null, finish_reason: 'stop' },
      expect.objectContaining({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }),
    ]);
    expect(chunks.every((chunk) => chunk.object === 'chat.completion.chunk')).toBe(true);
  });

  it('rejects a chat request without messages like the vendor does', async () => {
    const response = await postChat({ model: 'gpt-test', messages: [] });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});
