import { DeploymentModelConfig } from '@app/config/schema';
import { createAnthropicProvider } from '@app/llm/adapters/anthropic';
import type { ChatRequest, LlmProvider } from '@app/llm/core';
import { FakeVendorServer } from '../support/fake-vendors';
import {
  PNG_DATA_URL,
  StallingVendor,
  asProviderError,
  contentOf,
  deployment,
  drain,
  providerErrorOf,
  toolCallsOf,
} from './support/vendor-adapter-kit';

const MODEL = 'claude-fake-1';

const WEATHER_TOOL = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

function chat(overrides: Partial<ChatRequest> = {}): ChatRequest {
  return {
    model: MODEL,
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'hello there' },
    ],
    ...overrides,
  };
}

/** An earlier turn in which the assistant called two tools, their results, and a follow-up question. */
const TOOL_CONVERSATION: ChatRequest['messages'] = [
  { role: 'system', content: 'Use tools.' },
  { role: 'user', content: 'Weather in Paris and Rome?' },
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      { id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'toolu_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'toolu_a', content: 'sunny' },
  { role: 'tool', tool_call_id: 'toolu_b', content: 'rainy' },
  { role: 'user', content: 'And tomorrow?' },
];

describe('Anthropic adapter (official SDK) against the fake vendor', () => {
  let fake: FakeVendorServer;
  let provider: LlmProvider;

  const anthropicAt = (baseUrl: string, timeoutMs = 5_000): LlmProvider =>
    createAnthropicProvider(
      deployment({ id: 'anthropic-other', type: 'anthropic', apiKey: 'sk-test', baseUrl, timeoutMs }),
    );

  beforeAll(async () => {
    fake = await FakeVendorServer.start();
    provider = createAnthropicProvider(
      deployment({
        id: 'anthropic-main',
        type: 'anthropic',
        apiKey: 'sk-test',
        baseUrl: fake.url,
        models: [
          Object.assign(new DeploymentModelConfig(), { name: 'claude', model: MODEL, maxOutputTokens: 1024 }),
        ],
      }),
    );
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  describe('generate', () => {
    it('maps the reply and usage, and sends system split out, the model max_tokens and no sampling params', async () => {
      const response = await provider.generate(
        chat({ temperature: 0.3, top_p: 0.9, stop: ['END'], user: 'u-1' }),
        new AbortController().signal,
      );

      expect(response.id).toMatch(/^msg_/);
      expect(response.model).toBe(MODEL);
      expect(response.choices).toEqual([
        { index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' },
      ]);
      // 14 + 11 chars in → ceil(25 / 4); 17 chars out → ceil(17 / 4)
      expect(response.usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });

      const [call] = fake.callsFor('anthropic');
      expect(call.path).toBe('/v1/messages');
      expect(call.headers.authorization).toBe('Bearer sk-test');
      expect(call.body).toEqual({
        model: MODEL,
        max_tokens: 1024,
        system: 'You are terse.',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'hello there' }] }],
        stop_sequences: ['END'],
        metadata: { user_id: 'u-1' },
      });
    });

    it('maps scripted usage and max_tokens stop reason', async () => {
      fake.enqueue('anthropic', {
        kind: 'ok',
        text: 'cut',
        usage: { input: 120, output: 30 },
        finish: 'length',
      });
      const response = await provider.generate(chat({ max_tokens: 30 }), new AbortController().signal);
      expect(response.choices[0]).toMatchObject({ message: { content: 'cut' }, finish_reason: 'length' });
      expect(response.usage).toEqual({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 });
      expect((fake.calls[0].body as { max_tokens: number }).max_tokens).toBe(30);
    });

    it('sends tools, tool_choice, tool_use and merged tool_result turns, and maps tool_use back to tool_calls', async () => {
      fake.enqueue('anthropic', {
        kind: 'ok',
        toolCalls: [
          { id: 'toolu_next', name: 'get_weather', arguments: '{"city":"Paris","day":"tomorrow"}' },
        ],
      });
      const response = await provider.generate(
        chat({ messages: TOOL_CONVERSATION, tools: [WEATHER_TOOL], tool_choice: 'required' }),
        new AbortController().signal,
      );

      expect(response.choices[0]).toEqual({
        index: 0,
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'toolu_next',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris","day":"tomorrow"}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
      });
      const body = fake.calls[0].body as Record<string, unknown>;
      expect(body.system).toBe('Use tools.');
      expect(body.tools).toEqual([
        {
          name: 'get_weather',
          description: 'Current weather for a city',
          input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        },
      ]);
      expect(body.tool_choice).toEqual({ type: 'any' });
      expect(body.messages).toEqual([
        { role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
            { type: 'tool_use', id: 'toolu_b', name: 'get_weather', input: { city: 'Rome' } },
          ],
        },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_a', content: 'sunny' },
            { type: 'tool_result', tool_use_id: 'toolu_b', content: 'rainy' },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ]);
    });

    it('maps tool_choice for a named function and none', async () => {
      await provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } }),
        new AbortController().signal,
      );
      await provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: 'none' }),
        new AbortController().signal,
      );
      const [named, none] = fake
        .callsFor('anthropic')
        .map((call) => (call.body as { tool_choice: unknown }).tool_choice);
      expect(named).toEqual({ type: 'tool', name: 'get_weather' });
      expect(none).toEqual({ type: 'none' });
    });

    it('sends data: images as base64 sources and http images as url sources', async () => {
      await provider.generate(
        chat({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'Compare' },
                { type: 'image_url', image_url: { url: PNG_DATA_URL } },
                { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
              ],
            },
          ],
        }),
        new AbortController().signal,
      );
      const body = fake.calls[0].body as { messages: Array<{ content: unknown[] }> };
      expect(body.messages[0].content).toEqual([
        { type: 'text', text: 'Compare' },
        {
          type: 'image',
          source: { type: 'base64', media_type: 'image/png', data: PNG_DATA_URL.split(',')[1] },
        },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
      ]);
    });

    it('asks for JSON in the system prompt for json_object and uses output_config for json_schema', async () => {
      await provider.generate(
        chat({ response_format: { type: 'json_object' } }),
        new AbortController().signal,
      );
      const schema = { type: 'object', properties: { answer: { type: 'string' } } };
      await provider.generate(
        chat({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } }),
        new AbortController().signal,
      );
      const [jsonObject, jsonSchema] = fake
        .callsFor('anthropic')
        .map((call) => call.body as Record<string, unknown>);
      expect(jsonObject.system).toMatch(/^You are terse\.\n\nRespond with a single valid JSON object/);
      expect(jsonSchema.output_config).toEqual({ format: { type: 'json_schema', schema } });
    });

    it('rejects tool-call arguments that are not a JSON object before calling the vendor', async () => {
      const error = await providerErrorOf(
        provider.generate(
          chat({
            messages: [
              { role: 'user', content: 'hi' },
              {
                role: 'assistant',
                content: null,
                tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '[1,' } }],
              },
              { role: 'tool', tool_call_id: 't1', content: 'x' },
            ],
          }),
          new AbortController().signal,
        ),
      );
      expect(error).toMatchObject({
        code: 'bad_request',
        status: 400,
        retryable: false,
        provider: 'anthropic',
      });
      expect(fake.calls).toHaveLength(0);
    });
  });

  describe('stream', () => {
    it('streams role first, text deltas, then finish_reason and usage on the last chunk', async () => {
      const { chunks, error } = await drain(provider.stream(chat(), new AbortController().signal));

      expect(error).toBeUndefined();
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      expect(chunks.slice(1).every((chunk) => chunk.choices[0].delta.role === undefined)).toBe(true);
      expect(contentOf(chunks)).toBe('echo: hello there');
      expect(chunks.map((chunk) => chunk.choices[0].delta.content).filter(Boolean)).toEqual([
        'echo:',
        ' hello',
        ' there',
      ]);
      const last = chunks.at(-1)!;
      expect(last.choices[0].finish_reason).toBe('stop');
      expect(last.usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });
      expect(
        chunks.slice(0, -1).every((chunk) => chunk.choices[0].finish_reason === null && !chunk.usage),
      ).toBe(true);
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      expect(chunks[0].id).toMatch(/^msg_/);
      expect((fake.calls[0].body as { stream: boolean }).stream).toBe(true);
    });

    it('streams tool calls as index/id/name deltas followed by argument fragments', async () => {
      fake.enqueue('anthropic', {
        kind: 'ok',
        text: 'Checking.',
        toolCalls: [
          { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
        usage: { input: 50, output: 20 },
      });
      const { chunks, error } = await drain(
        provider.stream(chat({ tools: [WEATHER_TOOL] }), new AbortController().signal),
      );

      expect(error).toBeUndefined();
      expect(contentOf(chunks)).toBe('Checking.');
      expect(toolCallsOf(chunks)).toEqual([
        { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
      ]);
      const firstToolDelta = chunks.find((chunk) => chunk.choices[0].delta.tool_calls)!.choices[0].delta
        .tool_calls![0];
      expect(firstToolDelta).toEqual({
        index: 0,
        id: 'toolu_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      });
      const last = chunks.at(-1)!;
      expect(last.choices[0].finish_reason).toBe('tool_calls');
      expect(last.usage).toEqual({ prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 });
    });

    it('yields exactly the chunks sent before the stream died, then a retryable connection_error', async () => {
      fake.enqueue('anthropic', { kind: 'stream-die', afterChunks: 2 });
      const { chunks, error } = await drain(provider.stream(chat(), new AbortController().signal));

      expect(chunks.map((chunk) => chunk.choices[0].delta.content)).toEqual(['echo:', ' hello']);
      expect(asProviderError(error)).toMatchObject({
        code: 'connection_error',
        retryable: true,
        provider: 'anthropic',
      });
    });

    it('reports a stream frame it cannot parse as invalid_response', async () => {
      fake.enqueue('anthropic', { kind: 'malformed' });
      const { error } = await drain(provider.stream(chat(), new AbortController().signal));
      expect(asProviderError(error)).toMatchObject({ code: 'invalid_response', status: 502 });
    });

    it('reports an HTTP error before the stream starts like generate does', async () => {
      fake.enqueue('anthropic', { kind: 'status', status: 429, retryAfter: '3', message: 'slow down' });
      const { chunks, error } = await drain(provider.stream(chat(), new AbortController().signal));
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({
        code: 'rate_limited',
        status: 429,
        retryAfterMs: 3000,
        message: 'slow down',
      });
    });
  });

  describe('errors', () => {
    it.each([
      [429, 'rate_limited', true],
      [529, 'upstream_unavailable', true],
      [503, 'upstream_unavailable', true],
      [500, 'upstream_error', true],
      [400, 'bad_request', false],
      [401, 'authentication_failed', false],
      [403, 'permission_denied', false],
      [404, 'model_not_found', false],
    ] as const)(
      'maps status %i to %s (retryable %s) with the vendor message',
      async (status, code, retryable) => {
        fake.enqueue('anthropic', { kind: 'status', status, message: `vendor says ${status}` });
        const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
        expect(error).toMatchObject({
          code,
          status,
          retryable,
          message: `vendor says ${status}`,
          deploymentId: 'anthropic-main',
        });
      },
    );

    it('passes Retry-After on 429 as retryAfterMs', async () => {
      fake.enqueue('anthropic', { kind: 'status', status: 429, retryAfter: '7' });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
    });

    it('recognises a prompt that is too long', async () => {
      fake.enqueue('anthropic', {
        kind: 'status',
        status: 400,
        message: 'prompt is too long: 250000 tokens > 200000 maximum',
      });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'context_length_exceeded', retryable: false });
    });

    it('maps a connection reset to a retryable connection_error', async () => {
      fake.enqueue('anthropic', { kind: 'reset' });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'connection_error', retryable: true });
    });

    it('gives up after timeoutMs with a retryable timeout', async () => {
      fake.enqueue('anthropic', { kind: 'delay', ms: 3_000 });
      const started = Date.now();
      const error = await providerErrorOf(
        anthropicAt(fake.url, 300).generate(chat(), new AbortController().signal),
      );
      expect(error).toMatchObject({ code: 'timeout', status: 504, retryable: true });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('maps an unparsable body to invalid_response', async () => {
      fake.enqueue('anthropic', { kind: 'malformed' });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'invalid_response', status: 502 });
    });

    it('aborts an in-flight request: the vendor sees the hang-up and the caller gets aborted', async () => {
      fake.enqueue('anthropic', { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const pending = providerErrorOf(provider.generate(chat(), controller.signal));
      const call = await fake.waitForCall('anthropic');
      controller.abort();

      expect(await pending).toMatchObject({ code: 'aborted', retryable: false });
      await fake.waitForAbort(call);
      expect(call.aborted).toBe(true);
    });

    it('aborts a stream waiting for its first event', async () => {
      fake.enqueue('anthropic', { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const pending = drain(provider.stream(chat(), controller.signal));
      const call = await fake.waitForCall('anthropic');
      controller.abort();

      const { chunks, error } = await pending;
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({ code: 'aborted', retryable: false });
      await fake.waitForAbort(call);
    });
  });

  describe('probe', () => {
    it('sends a one-token request to the first model', async () => {
      await provider.probe(new AbortController().signal);
      expect(fake.calls[0].body).toMatchObject({ model: MODEL, max_tokens: 1 });
    });

    it('throws a ProviderError when the deployment does not answer well', async () => {
      fake.enqueue('anthropic', { kind: 'status', status: 401, message: 'invalid x-api-key' });
      const error = await providerErrorOf(provider.probe(new AbortController().signal));
      expect(error).toMatchObject({ code: 'authentication_failed' });
    });
  });

  describe('a stream that goes quiet after its first chunk', () => {
    let vendor: StallingVendor;
    const sse = (type: string, data: Record<string, unknown>): string =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

    beforeAll(async () => {
      vendor = await StallingVendor.start(async (res) => {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const usage = { input_tokens: 3, output_tokens: 1 };
        res.write(
          sse('message_start', {
            message: {
              id: 'msg_stall',
              type: 'message',
              role: 'assistant',
              model: MODEL,
              content: [],
              usage,
            },
          }),
        );
        res.write(sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
        res.write(sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'partial' } }));
      });
    });
    afterAll(() => vendor.close());

    it('aborts mid-stream: the vendor sees the hang-up and the caller gets aborted', async () => {
      const controller = new AbortController();
      const chunks = anthropicAt(vendor.url).stream(chat(), controller.signal)[Symbol.asyncIterator]();
      const first = await chunks.next();
      expect(first.value).toMatchObject({
        id: 'msg_stall',
        choices: [{ delta: { role: 'assistant', content: 'partial' } }],
      });

      const second = chunks.next();
      controller.abort();
      expect(asProviderError(await second.catch((error: unknown) => error))).toMatchObject({
        code: 'aborted',
        retryable: false,
      });
      await vendor.hungUp;
    });

    it('hangs up on the vendor when the consumer stops reading early', async () => {
      const chunks = anthropicAt(vendor.url)
        .stream(chat(), new AbortController().signal)
        [Symbol.asyncIterator]();
      await chunks.next();
      await chunks.return?.(undefined);
      await vendor.hungUp;
    });

    it('gives up when the vendor sends nothing for timeoutMs, with a retryable timeout', async () => {
      const started = Date.now();
      const { chunks, error } = await drain(
        anthropicAt(vendor.url, 300).stream(chat(), new AbortController().signal),
      );
      expect(contentOf(chunks)).toBe('partial');
      expect(asProviderError(error)).toMatchObject({ code: 'timeout', retryable: true });
      expect(Date.now() - started).toBeLessThan(2_000);
      await vendor.hungUp;
    });
  });
});
