import { DeploymentModelConfig } from '@app/config/schema';
import { createBedrockProvider } from '@app/llm/adapters/bedrock';
import type { ChatRequest, LlmProvider } from '@app/llm/core';
import { FakeVendorServer } from '../support/fake-vendors';
import {
  encodeEvent,
  encodeException,
  writeBytes,
  writeStreamHead,
} from '../support/fake-vendors/bedrock-stream';
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

const MODEL = 'anthropic.claude-fake-v1:0';

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

const TOOL_CONVERSATION: ChatRequest['messages'] = [
  { role: 'system', content: 'Use tools.' },
  { role: 'user', content: 'Weather in Paris and Rome?' },
  {
    role: 'assistant',
    content: 'Let me check.',
    tool_calls: [
      { id: 'tooluse_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
      { id: 'tooluse_b', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
    ],
  },
  { role: 'tool', tool_call_id: 'tooluse_a', content: 'sunny' },
  { role: 'tool', tool_call_id: 'tooluse_b', content: 'rainy' },
  { role: 'user', content: 'And tomorrow?' },
];

describe('Bedrock adapter (AWS SDK Converse) against the fake vendor', () => {
  let fake: FakeVendorServer;
  let provider: LlmProvider;

  const bedrockAt = (baseUrl: string, timeoutMs = 5_000): LlmProvider =>
    createBedrockProvider(
      deployment({
        id: 'bedrock-main',
        type: 'bedrock',
        region: 'us-east-1',
        accessKeyId: 'AKIDFAKE',
        secretAccessKey: 'fake-secret',
        baseUrl,
        timeoutMs,
        models: [
          Object.assign(new DeploymentModelConfig(), { name: 'claude', model: MODEL, maxOutputTokens: 1024 }),
        ],
      }),
    );

  beforeAll(async () => {
    fake = await FakeVendorServer.start();
    provider = bedrockAt(fake.url);
  });
  afterEach(() => fake.reset());
  afterAll(() => fake.close());

  describe('generate', () => {
    it('maps the reply and usage, and sends system blocks, inference config and the model in the path', async () => {
      const response = await provider.generate(
        chat({ temperature: 0.3, top_p: 0.9, stop: ['END'], user: 'u-1' }),
        new AbortController().signal,
      );

      expect(response.id).toMatch(/^bedrock-req-/);
      expect(response.model).toBe(MODEL);
      expect(response.choices).toEqual([
        { index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' },
      ]);
      expect(response.usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });

      const [call] = fake.callsFor('bedrock');
      expect(decodeURIComponent(call.path)).toBe(`/model/${MODEL}/converse`);
      expect(String(call.headers.authorization)).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDFAKE\/\d{8}\/us-east-1\/bedrock\//,
      );
      expect(call.body).toEqual({
        messages: [{ role: 'user', content: [{ text: 'hello there' }] }],
        system: [{ text: 'You are terse.' }],
        inferenceConfig: { maxTokens: 1024, temperature: 0.3, topP: 0.9, stopSequences: ['END'] },
        requestMetadata: { user: 'u-1' },
      });
    });

    it('maps scripted usage and the max_tokens stop reason', async () => {
      fake.enqueue('bedrock', {
        kind: 'ok',
        text: 'cut',
        usage: { input: 120, output: 30 },
        finish: 'length',
      });
      const response = await provider.generate(chat({ max_tokens: 30 }), new AbortController().signal);
      expect(response.choices[0]).toMatchObject({ message: { content: 'cut' }, finish_reason: 'length' });
      expect(response.usage).toEqual({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 });
      expect(fake.calls[0].body).toMatchObject({ inferenceConfig: { maxTokens: 30 } });
    });

    it('sends toolConfig, toolUse and merged toolResult turns, and maps toolUse back to tool_calls', async () => {
      fake.enqueue('bedrock', {
        kind: 'ok',
        toolCalls: [
          { id: 'tooluse_next', name: 'get_weather', arguments: '{"city":"Paris","day":"tomorrow"}' },
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
              id: 'tooluse_next',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris","day":"tomorrow"}' },
            },
          ],
        },
        finish_reason: 'tool_calls',
      });
      const body = fake.calls[0].body as Record<string, unknown>;
      expect(body.system).toEqual([{ text: 'Use tools.' }]);
      expect(body.toolConfig).toEqual({
        tools: [
          {
            toolSpec: {
              name: 'get_weather',
              description: 'Current weather for a city',
              inputSchema: {
                json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
              },
            },
          },
        ],
        toolChoice: { any: {} },
      });
      expect(body.messages).toEqual([
        { role: 'user', content: [{ text: 'Weather in Paris and Rome?' }] },
        {
          role: 'assistant',
          content: [
            { text: 'Let me check.' },
            { toolUse: { toolUseId: 'tooluse_a', name: 'get_weather', input: { city: 'Paris' } } },
            { toolUse: { toolUseId: 'tooluse_b', name: 'get_weather', input: { city: 'Rome' } } },
          ],
        },
        {
          role: 'user',
          content: [
            { toolResult: { toolUseId: 'tooluse_a', content: [{ text: 'sunny' }] } },
            { toolResult: { toolUseId: 'tooluse_b', content: [{ text: 'rainy' }] } },
            { text: 'And tomorrow?' },
          ],
        },
      ]);
    });

    it('maps a named tool_choice, and leaves tools out for none', async () => {
      await provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } }),
        new AbortController().signal,
      );
      await provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: 'none' }),
        new AbortController().signal,
      );
      const [named, none] = fake.callsFor('bedrock').map((call) => call.body as Record<string, unknown>);
      expect(named.toolConfig).toMatchObject({ toolChoice: { tool: { name: 'get_weather' } } });
      expect(none.toolConfig).toBeUndefined();
    });

    it('sends data: images as inline bytes', async () => {
      await provider.generate(
        chat({
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is this?' },
                { type: 'image_url', image_url: { url: PNG_DATA_URL } },
              ],
            },
          ],
        }),
        new AbortController().signal,
      );
      const body = fake.calls[0].body as { messages: Array<{ content: unknown[] }> };
      expect(body.messages[0].content).toEqual([
        { text: 'What is this?' },
        { image: { format: 'png', source: { bytes: PNG_DATA_URL.split(',')[1] } } },
      ]);
    });

    it('refuses http image URLs, which Converse cannot fetch, without calling the vendor', async () => {
      const error = await providerErrorOf(
        provider.generate(
          chat({
            messages: [
              {
                role: 'user',
                content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
              },
            ],
          }),
          new AbortController().signal,
        ),
      );
      expect(error).toMatchObject({ code: 'bad_request', retryable: false, provider: 'bedrock' });
      expect(fake.calls).toHaveLength(0);
    });

    it('uses structured output for json_schema and a system instruction for json_object', async () => {
      const schema = { type: 'object', properties: { answer: { type: 'string' } } };
      await provider.generate(
        chat({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } }),
        new AbortController().signal,
      );
      await provider.generate(
        chat({ response_format: { type: 'json_object' } }),
        new AbortController().signal,
      );
      const [jsonSchema, jsonObject] = fake
        .callsFor('bedrock')
        .map((call) => call.body as Record<string, unknown>);
      expect(jsonSchema.outputConfig).toEqual({
        textFormat: {
          type: 'json_schema',
          structure: { jsonSchema: { schema: JSON.stringify(schema), name: 'answer' } },
        },
      });
      expect(jsonObject.system).toEqual([
        { text: 'You are terse.' },
        { text: expect.stringMatching(/^Respond with a single valid JSON object/) },
      ]);
    });
  });

  describe('stream', () => {
    it('streams role first, text deltas, then finish_reason and usage on the last chunk', async () => {
      const { chunks, error } = await drain(provider.stream(chat(), new AbortController().signal));

      expect(error).toBeUndefined();
      expect(decodeURIComponent(fake.calls[0].path)).toBe(`/model/${MODEL}/converse-stream`);
      expect(chunks[0].choices[0].delta.role).toBe('assistant');
      expect(chunks.slice(1).every((chunk) => chunk.choices[0].delta.role === undefined)).toBe(true);
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
      expect(chunks[0].id).toMatch(/^bedrock-req-/);
    });

    it('streams tool calls as index/id/name deltas followed by argument fragments', async () => {
      fake.enqueue('bedrock', {
        kind: 'ok',
        text: 'Checking.',
        toolCalls: [
          { id: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: 'tooluse_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
        usage: { input: 50, output: 20 },
      });
      const { chunks, error } = await drain(
        provider.stream(chat({ tools: [WEATHER_TOOL] }), new AbortController().signal),
      );

      expect(error).toBeUndefined();
      expect(contentOf(chunks)).toBe('Checking.');
      expect(toolCallsOf(chunks)).toEqual([
        { id: 'tooluse_1', name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { id: 'tooluse_2', name: 'get_weather', arguments: '{"city":"Rome"}' },
      ]);
      const firstToolDelta = chunks.find((chunk) => chunk.choices[0].delta.tool_calls)!.choices[0].delta
        .tool_calls![0];
      expect(firstToolDelta).toEqual({
        index: 0,
        id: 'tooluse_1',
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      });
      const last = chunks.at(-1)!;
      expect(last.choices[0].finish_reason).toBe('tool_calls');
      expect(last.usage).toEqual({ prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 });
    });

    it('sends json_schema as a system instruction, ConverseStream having no structured output', async () => {
      const schema = { type: 'object', properties: { answer: { type: 'string' } } };
      await drain(
        provider.stream(
          chat({ response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } }),
          new AbortController().signal,
        ),
      );
      const body = fake.calls[0].body as Record<string, unknown>;
      expect(body.outputConfig).toBeUndefined();
      expect(body.system).toEqual([
        { text: 'You are terse.' },
        { text: expect.stringContaining(JSON.stringify(schema)) },
      ]);
    });

    it('yields exactly the chunks sent before the stream died, then a retryable ProviderError', async () => {
      fake.enqueue('bedrock', { kind: 'stream-die', afterChunks: 2 });
      const { chunks, error } = await drain(provider.stream(chat(), new AbortController().signal));

      expect(chunks.map((chunk) => chunk.choices[0].delta.content)).toEqual(['echo:', ' hello']);
      expect(asProviderError(error)).toMatchObject({
        code: 'connection_error',
        retryable: true,
        provider: 'bedrock',
      });
    });

    it('reports a frame with a bad checksum as invalid_response', async () => {
      fake.enqueue('bedrock', { kind: 'malformed' });
      const { chunks, error } = await drain(provider.stream(chat(), new AbortController().signal));
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({ code: 'invalid_response', status: 502 });
    });

    it('reports an HTTP error before the stream starts like generate does', async () => {
      fake.enqueue('bedrock', {
        kind: 'status',
        status: 429,
        retryAfter: '3',
        message: 'Too many requests, please wait',
      });
      const { chunks, error } = await drain(provider.stream(chat(), new AbortController().signal));
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({
        code: 'rate_limited',
        status: 429,
        retryAfterMs: 3000,
        message: 'Too many requests, please wait',
      });
    });
  });

  describe('exception events inside a stream', () => {
    let vendor: StallingVendor;
    let exceptionType = 'throttlingException';

    // Exceptions arrive as event-stream frames after a 200; the shared fake has no behaviour for that.
    beforeAll(async () => {
      vendor = await StallingVendor.start(async (res) => {
        writeStreamHead(res, 'req-exception');
        await writeBytes(res, encodeEvent({ type: 'messageStart', payload: { role: 'assistant' } }));
        await writeBytes(
          res,
          encodeEvent({
            type: 'contentBlockDelta',
            payload: { contentBlockIndex: 0, delta: { text: 'partial' } },
          }),
        );
        await writeBytes(res, encodeException(exceptionType, `mid-stream ${exceptionType}`));
        res.end();
      });
    });
    afterAll(() => vendor.close());

    it.each([
      ['throttlingException', 'rate_limited', 429],
      ['serviceUnavailableException', 'upstream_unavailable', 503],
      ['modelStreamErrorException', 'upstream_error', 502],
      ['internalServerException', 'upstream_error', 500],
      ['validationException', 'bad_request', 400],
    ])('maps %s after the first chunk to %s', async (type, code, status) => {
      exceptionType = type;
      const { chunks, error } = await drain(
        bedrockAt(vendor.url).stream(chat(), new AbortController().signal),
      );
      expect(contentOf(chunks)).toBe('partial');
      expect(asProviderError(error)).toMatchObject({ code, status, message: `mid-stream ${type}` });
    });
  });

  describe('errors', () => {
    it.each([
      [429, 'rate_limited', true],
      [503, 'upstream_unavailable', true],
      [500, 'upstream_error', true],
      [400, 'bad_request', false],
      [403, 'permission_denied', false],
      [404, 'model_not_found', false],
    ] as const)(
      'maps status %i to %s (retryable %s) with the vendor message',
      async (status, code, retryable) => {
        fake.enqueue('bedrock', { kind: 'status', status, message: `vendor says ${status}` });
        const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
        expect(error).toMatchObject({
          code,
          status,
          retryable,
          message: `vendor says ${status}`,
          deploymentId: 'bedrock-main',
        });
      },
    );

    it('passes Retry-After on a throttle as retryAfterMs', async () => {
      fake.enqueue('bedrock', { kind: 'status', status: 429, retryAfter: '7' });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
    });

    it('recognises an input that is too long', async () => {
      fake.enqueue('bedrock', {
        kind: 'status',
        status: 400,
        message: 'Input is too long for requested model.',
      });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'context_length_exceeded', retryable: false });
    });

    it('maps a connection reset to a retryable connection_error', async () => {
      fake.enqueue('bedrock', { kind: 'reset' });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'connection_error', retryable: true });
    });

    it('gives up after timeoutMs with a retryable timeout', async () => {
      fake.enqueue('bedrock', { kind: 'delay', ms: 3_000 });
      const started = Date.now();
      const error = await providerErrorOf(
        bedrockAt(fake.url, 300).generate(chat(), new AbortController().signal),
      );
      expect(error).toMatchObject({ code: 'timeout', status: 504, retryable: true });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('maps an unparsable body to invalid_response', async () => {
      fake.enqueue('bedrock', { kind: 'malformed' });
      const error = await providerErrorOf(provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'invalid_response', status: 502 });
    });

    it('aborts an in-flight request: the vendor sees the hang-up and the caller gets aborted', async () => {
      fake.enqueue('bedrock', { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const pending = providerErrorOf(provider.generate(chat(), controller.signal));
      const call = await fake.waitForCall('bedrock');
      controller.abort();

      expect(await pending).toMatchObject({ code: 'aborted', retryable: false });
      await fake.waitForAbort(call);
      expect(call.aborted).toBe(true);
    });

    it('aborts a stream waiting for its first event', async () => {
      fake.enqueue('bedrock', { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const pending = drain(provider.stream(chat(), controller.signal));
      const call = await fake.waitForCall('bedrock');
      controller.abort();

      const { chunks, error } = await pending;
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({ code: 'aborted', retryable: false });
      await fake.waitForAbort(call);
    });
  });

  describe('probe', () => {
    it('sends a one-token Converse request to the first model', async () => {
      await provider.probe(new AbortController().signal);
      expect(decodeURIComponent(fake.calls[0].path)).toBe(`/model/${MODEL}/converse`);
      expect(fake.calls[0].body).toMatchObject({ inferenceConfig: { maxTokens: 1 } });
    });

    it('throws a ProviderError when the deployment does not answer well', async () => {
      fake.enqueue('bedrock', { kind: 'status', status: 403, message: 'not authorized' });
      const error = await providerErrorOf(provider.probe(new AbortController().signal));
      expect(error).toMatchObject({ code: 'permission_denied' });
    });
  });

  describe('a stream that goes quiet after its first chunk', () => {
    let vendor: StallingVendor;

    beforeAll(async () => {
      vendor = await StallingVendor.start(async (res) => {
        writeStreamHead(res, 'req-stall');
        await writeBytes(res, encodeEvent({ type: 'messageStart', payload: { role: 'assistant' } }));
        await writeBytes(
          res,
          encodeEvent({
            type: 'contentBlockDelta',
            payload: { contentBlockIndex: 0, delta: { text: 'partial' } },
          }),
        );
      });
    });
    afterAll(() => vendor.close());

    it('aborts mid-stream: the vendor sees the hang-up and the caller gets aborted', async () => {
      const controller = new AbortController();
      const chunks = bedrockAt(vendor.url).stream(chat(), controller.signal)[Symbol.asyncIterator]();
      const first = await chunks.next();
      expect(first.value).toMatchObject({
        id: 'bedrock-req-stall',
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
      const chunks = bedrockAt(vendor.url)
        .stream(chat(), new AbortController().signal)
        [Symbol.asyncIterator]();
      await chunks.next();
      await chunks.return?.(undefined);
      await vendor.hungUp;
    });

    it('gives up when the vendor sends nothing for timeoutMs, with a retryable timeout', async () => {
      const started = Date.now();
      const { chunks, error } = await drain(
        bedrockAt(vendor.url, 300).stream(chat(), new AbortController().signal),
      );
      expect(contentOf(chunks)).toBe('partial');
      expect(asProviderError(error)).toMatchObject({ code: 'timeout', retryable: true });
      expect(Date.now() - started).toBeLessThan(2_000);
      await vendor.hungUp;
    });
  });
});
