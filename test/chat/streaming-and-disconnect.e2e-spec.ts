import { ChatObservers, type ChatFinishedEvent } from '@app/chat';
import OpenAI from 'openai';
import type { Vendor } from '../support/fake-vendors';
import { authorized, MODELS, startChatTestbed, type ChatTestbed } from './support/chat-testbed';
import { contentOf, parseSse } from './support/sse';

const HEARTBEAT_MS = 100;

const VENDOR_MODELS: Array<{ vendor: Vendor; model: string; headers: Record<string, string> }> = [
  { vendor: 'openai', model: MODELS.openai, headers: {} },
  { vendor: 'azure', model: MODELS.twoDeployments, headers: { 'x-gateway-deployment': 'azure-west' } },
  { vendor: 'anthropic', model: MODELS.anthropic, headers: {} },
  { vendor: 'bedrock', model: MODELS.bedrock, headers: {} },
];

describe('streaming: heartbeats, failures after the start, client disconnects', () => {
  let bed: ChatTestbed;
  let events: ChatFinishedEvent[];

  beforeAll(async () => {
    bed = await startChatTestbed({ server: { streamHeartbeatMs: HEARTBEAT_MS } });
    bed.api.app.get(ChatObservers).add({ onChatFinished: (event) => void events.push(event) });
  });
  beforeEach(() => {
    events = [];
  });
  afterEach(() => bed.fake.reset());
  afterAll(() => bed?.close());

  const post = (body: Record<string, unknown>, signal?: AbortSignal): Promise<Response> =>
    fetch(`${bed.url}/v1/chat/completions`, {
      method: 'POST',
      headers: authorized(bed),
      body: JSON.stringify(body),
      signal,
    });

  async function eventFor(requestId: string | null): Promise<ChatFinishedEvent> {
    const deadline = Date.now() + 1_000;
    for (;;) {
      const found = events.find((e) => e.requestId === requestId);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no chat event for request ${requestId}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  it('flushes each chunk as it arrives, with keep-alive comments in long silences', async () => {
    bed.fake.enqueue('openai', { kind: 'ok', text: 'slow steady words', chunkDelayMs: 3 * HEARTBEAT_MS });
    const res = await post({
      model: MODELS.openai,
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-gateway-deployment')).toBe('openai-main');

    const arrivals: Array<{ at: number; text: string }> = [];
    const decoder = new TextDecoder();
    for await (const bytes of res.body!) arrivals.push({ at: Date.now(), text: decoder.decode(bytes) });
    const text = arrivals.map((a) => a.text).join('');
    const events = parseSse(text);
    expect(contentOf(events)).toBe('slow steady words');
    expect(events.data[events.data.length - 1]).toBe('[DONE]');
    expect(events.comments.filter((c) => c === 'keep-alive').length).toBeGreaterThanOrEqual(3);
    // words arrived one by one, not in one buffered piece at the end
    const wordArrivals = arrivals.filter((a) => /"content":"( steady| words)"/.test(a.text));
    expect(wordArrivals).toHaveLength(2);
    expect(wordArrivals[1].at - wordArrivals[0].at).toBeGreaterThanOrEqual(2 * HEARTBEAT_MS);
  });

  it('keeps a slow first token alive: opens the stream early, routing facts as a comment', async () => {
    bed.fake.enqueue('openai', { kind: 'delay', ms: 3 * HEARTBEAT_MS });
    const res = await post({
      model: MODELS.openai,
      messages: [{ role: 'user', content: 'wait' }],
      stream: true,
    });
    expect(res.status).toBe(200);
    const events = parseSse(await res.text());
    expect(events.comments[0]).toBe('keep-alive');
    expect(events.comments).toContain(
      'x-gateway-provider=openai x-gateway-deployment=openai-main x-gateway-model=gpt-4o-mini x-gateway-attempts=1 x-gateway-cache=bypass',
    );
    expect(contentOf(events)).toBe('echo: wait');
  });

  it('answers errors found before the stream starts as plain HTTP errors', async () => {
    const res = await post({
      model: 'no-such-model',
      messages: [{ role: 'user', content: 'x' }],
      stream: true,
    });
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({
      error: { code: 'model_not_found', type: 'invalid_request_error' },
    });
  });

  it('ends a stream that fails midway with an error event, never a silent truncation', async () => {
    bed.fake.enqueue('openai', { kind: 'stream-die', afterChunks: 2 });
    const res = await post({
      model: MODELS.openai,
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const events = parseSse(await res.text());
    expect(events.data).not.toContain('[DONE]');
    const last = JSON.parse(events.data[events.data.length - 1]) as { error: Record<string, unknown> };
    expect(last.error).toMatchObject({
      code: 'upstream_error',
      type: 'api_error',
      requestId: res.headers.get('x-request-id'),
    });

    bed.fake.enqueue('openai', { kind: 'stream-die', afterChunks: 1 });
    const stream = await bed.openai.chat.completions.create({
      model: MODELS.openai,
      messages: [{ role: 'user', content: 'a b c d' }],
      stream: true,
    });
    const outcome = await (async () => {
      for await (const chunk of stream) void chunk;
    })().then(
      () => 'ended quietly',
      (error: unknown) => error,
    );
    expect(outcome).toBeInstanceOf(OpenAI.APIError);
  });

  describe.each(VENDOR_MODELS)('client disconnect ($vendor)', ({ vendor, model, headers }) => {
    it('mid-stream: the vendor sees the abort within 100 ms, recorded as aborted', async () => {
      bed.fake.enqueue(vendor, { kind: 'ok', text: 'one two three four five', chunkDelayMs: 500 });
      const { data: stream, response } = await bed.openai.chat.completions
        .create({ model, messages: [{ role: 'user', content: 'talk' }], stream: true }, { headers })
        .withResponse();
      const call = await bed.fake.waitForCall(vendor);
      for await (const chunk of stream) {
        expect(chunk.choices[0]).toBeDefined();
        break; // the client hangs up after the first chunk
      }
      await bed.fake.waitForAbort(call, 100);

      const event = await eventFor(response.headers.get('x-request-id'));
      expect(event).toMatchObject({ outcome: 'aborted', stream: true, requestedModel: model });
    });

    it('mid-JSON: the vendor sees the abort within 100 ms, recorded as aborted', async () => {
      bed.fake.enqueue(vendor, { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const requestId = `abort-json-${vendor}`;
      const pending = bed.openai.chat.completions
        .create(
          { model, messages: [{ role: 'user', content: 'slow' }] },
          { headers: { ...headers, 'x-request-id': requestId }, signal: controller.signal },
        )
        .catch((error: unknown) => error);
      const call = await bed.fake.waitForCall(vendor);
      controller.abort();
      await bed.fake.waitForAbort(call, 100);

      expect(await pending).toBeInstanceOf(OpenAI.APIUserAbortError);
      const event = await eventFor(requestId);
      expect(event).toMatchObject({ outcome: 'aborted', stream: false, error: { code: 'aborted' } });
    });
  });
});
