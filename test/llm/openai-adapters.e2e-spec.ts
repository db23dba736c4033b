import type { DeploymentConfig } from '@app/config';
import {
  createAzureOpenAiProvider,
  createOpenAiCompatibleProvider,
  createOpenAiProvider,
} from '@app/llm/adapters/openai';
import { ProviderError, type ChatChunk, type ChatRequest, type LlmProvider } from '@app/llm/core';
import { FakeVendorServer, type Vendor } from '../support/fake-vendors';

/**
 * The real `openai` SDK, through our adapters, against the fake vendor server over loopback HTTP.
 */

let fake: FakeVendorServer;

beforeAll(async () => {
  fake = await FakeVendorServer.start();
});
afterAll(() => fake.close());
beforeEach(() => fake.reset());

function deployment(overrides: Partial<DeploymentConfig>): DeploymentConfig {
  return {
    id: 'dep',
    type: 'openai',
    enabled: true,
    apiKey: 'sk-test-key',
    models: [{ name: 'gpt-4o-mini' }],
    priority: 0,
    weight: 1,
    timeoutMs: 5_000,
    maxRetries: 1,
    rpm: 0,
    tpm: 0,
    probe: false,
    ...overrides,
  };
}

interface Flavour {
  name: string;
  vendor: Vendor;
  /** The vendor model id a request carries once it reaches the adapter. */
  model: string;
  chatPath: string;
  modelsPath: string;
  maxTokensField: 'max_completion_tokens' | 'max_tokens';
  authHeader: [name: string, value: string];
  create(timeoutMs?: number): LlmProvider;
}

const flavours: Flavour[] = [
  {
    name: 'openai',
    vendor: 'openai',
    model: 'gpt-4o-mini',
    chatPath: '/v1/chat/completions',
    modelsPath: '/v1/models',
    maxTokensField: 'max_completion_tokens',
    authHeader: ['authorization', 'Bearer sk-test-key'],
    create: (timeoutMs = 5_000) =>
      createOpenAiProvider(
        deployment({ id: 'openai-main', type: 'openai', baseUrl: `${fake.url}/v1`, timeoutMs }),
      ),
  },
  {
    name: 'azure',
    vendor: 'azure',
    model: 'gpt4o-prod',
    chatPath: '/openai/deployments/gpt4o-prod/chat/completions?api-version=2024-10-21',
    modelsPath: '/openai/models?api-version=2024-10-21',
    maxTokensField: 'max_completion_tokens',
    authHeader: ['api-key', 'sk-test-key'],
    create: (timeoutMs = 5_000) =>
      createAzureOpenAiProvider(
        deployment({
          id: 'azure-west',
          type: 'azure',
          endpoint: fake.url,
          apiVersion: '2024-10-21',
          models: [{ name: 'gpt-4o', model: 'gpt4o-prod' }],
          timeoutMs,
        }),
      ),
  },
  {
    name: 'openai-compatible',
    vendor: 'openai',
    model: 'llama-3.1-8b',
    chatPath: '/v1/chat/completions',
    modelsPath: '/v1/models',
    maxTokensField: 'max_tokens',
    authHeader: ['authorization', 'Bearer sk-test-key'],
    create: (timeoutMs = 5_000) =>
      createOpenAiCompatibleProvider(
        deployment({
          id: 'vllm-local',
          type: 'openai-compatible',
          baseUrl: `${fake.url}/v1`,
          models: [{ name: 'llama-3.1-8b' }],
          timeoutMs,
        }),
      ),
  },
];

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

async function collect(stream: AsyncIterable<ChatChunk>): Promise<{ chunks: ChatChunk[]; error?: unknown }> {
  const chunks: ChatChunk[] = [];
  try {
    for await (const chunk of stream) chunks.push(chunk);
    return { chunks };
  } catch (error) {
    return { chunks, error };
  }
}

async function rejection(promise: Promise<unknown>): Promise<ProviderError> {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof ProviderError)) throw new Error(`expected a ProviderError, got ${String(error)}`);
  return error;
}

function contentOf(chunks: ChatChunk[]): string {
  return chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
}

describe.each(flavours)('$name adapter against the fake vendor', (flavour) => {
  const hello: ChatRequest = {
    model: flavour.model,
    messages: [
      { role: 'system', content: 'be nice' },
      { role: 'user', content: 'hello there' },
    ],
    max_tokens: 50,
    temperature: 0.3,
  };
  // 7 + 11 characters of prompt, "echo: hello there" (17) of reply, 4 characters a token.
  const helloUsage = { prompt_tokens: 5, completion_tokens: 5, total_tokens: 10 };
  const signal = (): AbortSignal => new AbortController().signal;

  it('generates: request on the wire and the mapped response', async () => {
    const response = await flavour.create().generate(hello, signal());

    expect(response.model).toBe(flavour.model);
    expect(response.id).toMatch(/^chatcmpl-/);
    expect(response.choices).toStrictEqual([
      { index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' },
    ]);
    expect(response.usage).toStrictEqual(helloUsage);

    const [call] = fake.callsFor(flavour.vendor);
    expect(call.method).toBe('POST');
    expect(call.path).toBe(flavour.chatPath);
    expect(call.headers[flavour.authHeader[0]]).toBe(flavour.authHeader[1]);
    expect(call.body).toStrictEqual({
      model: flavour.model,
      messages: [
        { role: 'system', content: 'be nice' },
        { role: 'user', content: 'hello there' },
      ],
      temperature: 0.3,
      [flavour.maxTokensField]: 50,
    });
  });

  it('streams: role first, text by word, finish reason, then usage', async () => {
    const { chunks, error } = await collect(flavour.create().stream(hello, signal()));

    expect(error).toBeUndefined();
    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    expect(contentOf(chunks)).toBe('echo: hello there');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta.content).length).toBe(3);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: helloUsage });
    expect(chunks.every((chunk) => chunk.model === flavour.model)).toBe(true);

    const [call] = fake.callsFor(flavour.vendor);
    expect(call.path).toBe(flavour.chatPath);
    expect(call.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('sends tools and tool results, and maps the tool calls the model makes', async () => {
    fake.enqueue(flavour.vendor, {
      kind: 'ok',
      toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: '{"city":"Paris"}' }],
      usage: { input: 40, output: 12 },
    });
    const request: ChatRequest = {
      model: flavour.model,
      messages: [
        { role: 'user', content: 'Weather in Oslo, then Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_o1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_o1', content: '{"temp":-3}' },
      ],
      tools: [weatherTool],
      tool_choice: 'auto',
    };

    const response = await flavour.create().generate(request, signal());

    expect(response.choices[0]).toStrictEqual({
      index: 0,
      message: {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_w1',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
        ],
      },
      finish_reason: 'tool_calls',
    });
    expect(response.usage).toStrictEqual({ prompt_tokens: 40, completion_tokens: 12, total_tokens: 52 });
    expect(fake.callsFor(flavour.vendor)[0].body).toMatchObject({
      tools: [weatherTool],
      tool_choice: 'auto',
      messages: [
        { role: 'user', content: 'Weather in Oslo, then Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_o1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Oslo"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_o1', content: '{"temp":-3}' },
      ],
    });
  });

  it('streams tool calls as an opening delta with id and name, then argument fragments', async () => {
    const args = '{"city":"Paris","unit":"celsius"}';
    fake.enqueue(flavour.vendor, {
      kind: 'ok',
      toolCalls: [
        { id: 'call_a', name: 'get_weather', arguments: args },
        { id: 'call_b', name: 'get_time', arguments: '{}' },
      ],
    });

    const { chunks, error } = await collect(
      flavour.create().stream({ ...hello, tools: [weatherTool] }, signal()),
    );

    expect(error).toBeUndefined();
    const deltas = chunks.flatMap((chunk) => chunk.choices[0]?.delta.tool_calls ?? []);
    const first = deltas.filter((delta) => delta.index === 0);
    expect(first[0]).toStrictEqual({
      index: 0,
      id: 'call_a',
      type: 'function',
      function: { name: 'get_weather', arguments: '' },
    });
    expect(first.length).toBeGreaterThan(2);
    expect(first.map((delta) => delta.function?.arguments ?? '').join('')).toBe(args);
    expect(deltas.find((delta) => delta.index === 1)).toMatchObject({
      id: 'call_b',
      function: { name: 'get_time' },
    });
    expect(chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0].finish_reason).toBe(
      'tool_calls',
    );
  });

  it('maps the length finish reason', async () => {
    fake.enqueue(flavour.vendor, { kind: 'ok', text: 'cut short', finish: 'length' });

    const response = await flavour.create().generate(hello, signal());

    expect(response.choices[0]).toMatchObject({ message: { content: 'cut short' }, finish_reason: 'length' });
  });

  it('429 with Retry-After is rate_limited, retryable, with retryAfterMs', async () => {
    fake.enqueue(flavour.vendor, {
      kind: 'status',
      status: 429,
      retryAfter: '2',
      message: 'Rate limit reached for requests',
    });

    const error = await rejection(flavour.create().generate(hello, signal()));

    expect(error).toMatchObject({
      code: 'rate_limited',
      status: 429,
      retryable: true,
      retryAfterMs: 2_000,
      message: 'Rate limit reached for requests',
      deploymentId: expect.any(String),
      provider: flavour.name,
    });
    expect(fake.callsFor(flavour.vendor)).toHaveLength(1);
  });

  it.each([
    [500, 'upstream_error'],
    [503, 'upstream_unavailable'],
  ])('%i is %s and retryable, without the SDK retrying by itself', async (status, code) => {
    fake.enqueue(flavour.vendor, { kind: 'status', status });

    const error = await rejection(flavour.create().generate(hello, signal()));

    expect(error).toMatchObject({ code, status, retryable: true });
    expect(fake.callsFor(flavour.vendor)).toHaveLength(1);
  });

  it("400 is not retryable and keeps the vendor's message, also when streaming", async () => {
    const message = "Invalid value for 'temperature': must be at most 2.";
    fake.enqueue(
      flavour.vendor,
      { kind: 'status', status: 400, message },
      { kind: 'status', status: 400, message },
    );

    const generateError = await rejection(flavour.create().generate(hello, signal()));
    const { chunks, error: streamError } = await collect(flavour.create().stream(hello, signal()));

    expect(generateError).toMatchObject({ code: 'bad_request', status: 400, retryable: false, message });
    expect(chunks).toHaveLength(0);
    expect(streamError).toMatchObject({ code: 'bad_request', status: 400, retryable: false, message });
  });

  it('a reset connection is connection_error', async () => {
    fake.enqueue(flavour.vendor, { kind: 'reset' });

    const error = await rejection(flavour.create().generate(hello, signal()));

    expect(error).toMatchObject({ code: 'connection_error', status: 502, retryable: true });
  });

  it('an answer slower than the deployment timeout is timeout, and the vendor sees the hang-up', async () => {
    fake.enqueue(flavour.vendor, { kind: 'delay', ms: 3_000 }, { kind: 'delay', ms: 3_000 });
    const provider = flavour.create(300);

    const started = Date.now();
    const error = await rejection(provider.generate(hello, signal()));
    const elapsed = Date.now() - started;
    const { error: streamError } = await collect(provider.stream(hello, signal()));

    expect(error).toMatchObject({ code: 'timeout', status: 504, retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(2_000);
    expect(streamError).toMatchObject({ code: 'timeout', retryable: true });
    await fake.waitForAbort(fake.callsFor(flavour.vendor)[0], 500);
  });

  it('a body the SDK cannot parse is invalid_response, JSON and stream alike', async () => {
    fake.enqueue(flavour.vendor, { kind: 'malformed' }, { kind: 'malformed' });

    const error = await rejection(flavour.create().generate(hello, signal()));
    const { chunks, error: streamError } = await collect(flavour.create().stream(hello, signal()));

    expect(error).toMatchObject({ code: 'invalid_response', status: 502 });
    expect(chunks).toHaveLength(0);
    expect(streamError).toBeInstanceOf(ProviderError);
    expect(streamError).toMatchObject({ code: 'invalid_response', status: 502 });
  });

  it('a stream that dies after K chunks yields those K chunks, then a ProviderError', async () => {
    fake.enqueue(flavour.vendor, { kind: 'stream-die', afterChunks: 3 });
    const request = {
      ...hello,
      messages: [{ role: 'user' as const, content: 'one two three four five six' }],
    };

    const { chunks, error } = await collect(flavour.create().stream(request, signal()));

    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(contentChunks.map((chunk) => chunk.choices[0].delta.content)).toStrictEqual([
      'echo:',
      ' one',
      ' two',
    ]);
    expect(chunks.some((chunk) => chunk.choices[0]?.finish_reason)).toBe(false);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'connection_error', retryable: true });
  });

  it('a JSON answer cut half-way is a ProviderError', async () => {
    fake.enqueue(flavour.vendor, { kind: 'stream-die', afterChunks: 1 });

    const error = await rejection(flavour.create().generate(hello, signal()));

    expect(error.retryable).toBe(true);
    expect(['connection_error', 'invalid_response']).toContain(error.code);
  });

  it.each(['generate', 'stream'] as const)(
    'aborting the signal during %s reaches the vendor within 100 ms and is aborted',
    async (mode) => {
      fake.enqueue(flavour.vendor, { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const provider = flavour.create();
      const pending =
        mode === 'generate'
          ? rejection(provider.generate(hello, controller.signal))
          : collect(provider.stream(hello, controller.signal));

      const call = await fake.waitForCall(flavour.vendor);
      controller.abort();
      const abortedAt = Date.now();
      await fake.waitForAbort(call, 100);

      expect(Date.now() - abortedAt).toBeLessThanOrEqual(100);
      expect(call.aborted).toBe(true);
      const outcome = await pending;
      const error = outcome instanceof ProviderError ? outcome : outcome.error;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ code: 'aborted', retryable: false });
    },
  );

  it('probes by listing models, and reports a failing probe', async () => {
    fake.enqueue(
      flavour.vendor,
      { kind: 'ok' },
      { kind: 'status', status: 401, message: 'Incorrect API key provided' },
    );
    const provider = flavour.create();

    await expect(provider.probe(signal())).resolves.toBeUndefined();
    const error = await rejection(provider.probe(signal()));

    expect(fake.callsFor(flavour.vendor).map((call) => `${call.method} ${call.path}`)).toStrictEqual([
      `GET ${flavour.modelsPath}`,
      `GET ${flavour.modelsPath}`,
    ]);
    expect(error).toMatchObject({ code: 'authentication_failed', status: 401, retryable: false });
  });
});

describe('Azure specifics', () => {
  it('routes each model of a deployment to its own Azure deployment path', async () => {
    const provider = createAzureOpenAiProvider(
      deployment({
        id: 'azure-multi',
        type: 'azure',
        endpoint: `${fake.url}/`,
        apiVersion: '2025-01-01-preview',
        models: [
          { name: 'fast', model: 'mini-prod' },
          { name: 'smart', model: 'big-prod' },
        ],
      }),
    );
    const ask = (model: string): Promise<unknown> =>
      provider.generate({ model, messages: [{ role: 'user', content: 'hi' }] }, new AbortController().signal);

    await ask('mini-prod');
    await ask('big-prod');

    expect(fake.callsFor('azure').map((call) => call.path)).toStrictEqual([
      '/openai/deployments/mini-prod/chat/completions?api-version=2025-01-01-preview',
      '/openai/deployments/big-prod/chat/completions?api-version=2025-01-01-preview',
    ]);
  });

  it('authenticates with an Entra ID token from the injected provider', async () => {
    const provider = createAzureOpenAiProvider(
      deployment({
        id: 'azure-entra',
        type: 'azure',
        apiKey: undefined,
        azureAdToken: true,
        endpoint: fake.url,
        apiVersion: '2024-10-21',
        models: [{ name: 'gpt-4o', model: 'gpt4o-prod' }],
      }),
      { azureAdTokenProvider: async () => 'entra-token-1' },
    );

    await provider.generate(
      { model: 'gpt4o-prod', messages: [{ role: 'user', content: 'hi' }] },
      new AbortController().signal,
    );

    const [call] = fake.callsFor('azure');
    expect(call.headers.authorization).toBe('Bearer entra-token-1');
    expect(call.headers['api-key']).toBeUndefined();
  });
});
