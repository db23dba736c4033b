import OpenAI from 'openai';
import type { ChatCompletionChunk, ChatCompletionTool } from 'openai/resources/chat/completions';
import { ANTHROPIC_MAX_OUTPUT, MODELS, startChatTestbed, type ChatTestbed } from './support/chat-testbed';

const WEATHER_TOOL: ChatCompletionTool = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
  },
};

/** Each vendor type, reached through the gateway with the same OpenAI request. */
const VENDORS = [
  { vendor: 'openai', model: MODELS.openai, headers: {}, deployment: 'openai-main' },
  {
    vendor: 'azure',
    model: MODELS.twoDeployments,
    headers: { 'x-gateway-provider': 'azure' },
    deployment: 'azure-west',
  },
  { vendor: 'anthropic', model: MODELS.anthropic, headers: {}, deployment: 'anthropic-main' },
  { vendor: 'bedrock', model: MODELS.bedrock, headers: {}, deployment: 'bedrock-east' },
] as const;

async function collect(stream: AsyncIterable<ChatCompletionChunk>): Promise<ChatCompletionChunk[]> {
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

function textOf(chunks: ChatCompletionChunk[]): string {
  return chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
}

/** Tool calls reassembled from deltas, the way OpenAI's docs tell clients to. */
function toolCallsOf(chunks: ChatCompletionChunk[]): Array<{ id: string; name: string; arguments: string }> {
  const calls: Array<{ id: string; name: string; arguments: string }> = [];
  for (const chunk of chunks) {
    for (const delta of chunk.choices[0]?.delta.tool_calls ?? []) {
      const call = (calls[delta.index] ??= { id: '', name: '', arguments: '' });
      if (delta.id) call.id = delta.id;
      if (delta.function?.name) call.name += delta.function.name;
      call.arguments += delta.function?.arguments ?? '';
    }
  }
  return calls;
}

/** The body's message (the client's own `message` is prefixed with the status). */
function messageOf(error: InstanceType<typeof OpenAI.APIError>): string {
  return (error.error as { message: string }).message;
}

describe('POST /v1/chat/completions with the official openai client', () => {
  let bed: ChatTestbed;

  beforeAll(async () => {
    bed = await startChatTestbed();
  });
  afterEach(() => bed.fake.reset());
  afterAll(() => bed?.close());

  describe.each(VENDORS)('through a $vendor deployment', ({ vendor, model, headers, deployment }) => {
    it('answers JSON in the OpenAI shape, with usage and routing headers', async () => {
      const { data, response } = await bed.openai.chat.completions
        .create(
          {
            model,
            messages: [
              { role: 'system', content: 'Be brief.' },
              { role: 'user', content: 'hello there' },
            ],
            max_tokens: 100,
          },
          { headers },
        )
        .withResponse();

      expect(data.object).toBe('chat.completion');
      expect(data.model).toBe(model);
      expect(data.choices).toEqual([
        expect.objectContaining({
          index: 0,
          finish_reason: 'stop',
          message: expect.objectContaining({ role: 'assistant', content: 'echo: hello there' }),
        }),
      ]);
      expect(data.usage).toEqual({
        prompt_tokens: expect.any(Number),
        completion_tokens: expect.any(Number),
        total_tokens: data.usage!.prompt_tokens + data.usage!.completion_tokens,
      });
      expect(data.usage!.total_tokens).toBeGreaterThan(0);
      expect(response.headers.get('x-gateway-provider')).toBe(vendor);
      expect(response.headers.get('x-gateway-deployment')).toBe(deployment);
      expect(response.headers.get('x-gateway-model')).toBe(model);
      expect(response.headers.get('x-gateway-attempts')).toBe('1');
      expect(response.headers.get('x-gateway-cache')).toBe('bypass');
      expect(response.headers.get('x-request-id')).toMatch(/\S+/);
      expect(bed.fake.callsFor(vendor)).toHaveLength(1);
    });

    it('streams chat.completion.chunk events, then the usage chunk when asked', async () => {
      const stream = await bed.openai.chat.completions.create(
        {
          model,
          messages: [{ role: 'user', content: 'stream three words' }],
          stream: true,
          stream_options: { include_usage: true },
        },
        { headers },
      );
      const chunks = await collect(stream);

      expect(textOf(chunks)).toBe('echo: stream three words');
      expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.model === model)).toBe(true);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      const finishes = chunks.flatMap((c) => c.choices.map((choice) => choice.finish_reason)).filter(Boolean);
      expect(finishes).toEqual(['stop']);
      const last = chunks[chunks.length - 1];
      expect(last.choices).toEqual([]);
      expect(last.usage?.total_tokens).toBeGreaterThan(0);
      expect(chunks.slice(0, -1).every((c) => c.usage === undefined)).toBe(true);
    });

    it('leaves usage out of a stream that did not ask for it', async () => {
      const stream = await bed.openai.chat.completions.create(
        { model, messages: [{ role: 'user', content: 'no usage' }], stream: true },
        { headers },
      );
      const chunks = await collect(stream);
      expect(textOf(chunks)).toBe('echo: no usage');
      expect(chunks.some((c) => c.usage)).toBe(false);
      expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    });

    it('passes tools through and answers tool calls, JSON and streamed', async () => {
      const toolCall = { id: 'call_weather_1', name: 'get_weather', arguments: '{"city":"Paris"}' };
      bed.fake.enqueue(vendor, { kind: 'ok', toolCalls: [toolCall] }, { kind: 'ok', toolCalls: [toolCall] });
      const request = {
        model,
        messages: [{ role: 'user' as const, content: 'Weather in Paris?' }],
        tools: [WEATHER_TOOL],
        tool_choice: 'auto' as const,
      };

      const json = await bed.openai.chat.completions.create(request, { headers });
      expect(json.choices[0].finish_reason).toBe('tool_calls');
      expect(json.choices[0].message.tool_calls).toEqual([
        {
          id: 'call_weather_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ]);

      const chunks = await collect(
        await bed.openai.chat.completions.create({ ...request, stream: true }, { headers }),
      );
      expect(toolCallsOf(chunks)).toEqual([toolCall]);
      expect(chunks.flatMap((c) => c.choices.map((x) => x.finish_reason)).filter(Boolean)).toEqual([
        'tool_calls',
      ]);
    });

    it('sends a tool result back to the vendor in its own format', async () => {
      const answer = await bed.openai.chat.completions.create(
        {
          model,
          messages: [
            { role: 'user', content: 'Weather in Paris?' },
            {
              role: 'assistant',
              content: null,
              tool_calls: [
                {
                  id: 'call_1',
                  type: 'function',
                  function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
                },
              ],
            },
            { role: 'tool', tool_call_id: 'call_1', content: 'sunny, 21°C' },
          ],
          tools: [WEATHER_TOOL],
        },
        { headers },
      );
      expect(answer.choices[0].message.content).toMatch(/^echo: /);
      expect(bed.fake.callsFor(vendor)).toHaveLength(1);
    });
  });

  it('makes fallback invisible: the first deployment 503s, the second answers', async () => {
    bed.fake.enqueue('openai', { kind: 'status', status: 503, message: 'overloaded' });

    const { data, response } = await bed.openai.chat.completions
      .create({ model: MODELS.twoDeployments, messages: [{ role: 'user', content: 'are you there?' }] })
      .withResponse();

    expect(response.status).toBe(200);
    expect(data.choices[0].message.content).toBe('echo: are you there?');
    expect(data.model).toBe(MODELS.twoDeployments);
    expect(response.headers.get('x-gateway-provider')).toBe('azure');
    expect(response.headers.get('x-gateway-deployment')).toBe('azure-west');
    expect(response.headers.get('x-gateway-attempts')).toBe('2');
    expect(bed.fake.callsFor('openai')).toHaveLength(1);
    expect(bed.fake.callsFor('azure')).toHaveLength(1);
  });

  it('falls back before the first chunk of a stream too', async () => {
    bed.fake.enqueue('openai', { kind: 'status', status: 503 });
    const { data: stream, response } = await bed.openai.chat.completions
      .create({
        model: MODELS.twoDeployments,
        messages: [{ role: 'user', content: 'stream it' }],
        stream: true,
      })
      .withResponse();
    expect(response.headers.get('x-gateway-deployment')).toBe('azure-west');
    expect(textOf(await collect(stream))).toBe('echo: stream it');
  });

  it('honours the caller hints: fallback off, deployment pin', async () => {
    bed.fake.enqueue('openai', { kind: 'status', status: 503, message: 'overloaded' });
    const noFallback: unknown = await bed.openai.chat.completions
      .create(
        { model: MODELS.twoDeployments, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-gateway-fallback': 'false' } },
      )
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(noFallback).toBeInstanceOf(OpenAI.APIError);
    expect((noFallback as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
    expect(bed.fake.callsFor('azure')).toHaveLength(0);

    const { response } = await bed.openai.chat.completions
      .create(
        { model: MODELS.twoDeployments, messages: [{ role: 'user', content: 'x' }] },
        { headers: { 'x-gateway-deployment': 'azure-west' } },
      )
      .withResponse();
    expect(response.headers.get('x-gateway-deployment')).toBe('azure-west');
  });

  it('answers a stalled vendor within the caller’s x-gateway-timeout-ms', async () => {
    bed.fake.enqueue('openai', { kind: 'delay', ms: 3_000 });
    const startedAt = Date.now();
    const error = (await bed.openai.chat.completions
      .create(
        { model: MODELS.openai, messages: [{ role: 'user', content: 'slow' }] },
        { headers: { 'x-gateway-timeout-ms': '300' } },
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      )) as InstanceType<typeof OpenAI.APIError>;
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect(error.status).toBe(504);
    expect(error.code).toBe('deadline_exceeded');
    expect(Date.now() - startedAt).toBeLessThan(2_000);
  });

  it('lists the models and groups with GET /v1/models', async () => {
    const ids: string[] = [];
    for await (const model of bed.openai.models.list()) ids.push(model.id);
    expect(ids.sort()).toEqual(Object.values(MODELS).sort());
    const one = await bed.openai.models.retrieve(MODELS.anthropic);
    expect(one).toMatchObject({ id: MODELS.anthropic, object: 'model', providers: ['anthropic'] });
  });

  describe('errors in the OpenAI shape', () => {
    async function failure(
      body: Record<string, unknown>,
      headers: Record<string, string> = {},
    ): Promise<InstanceType<typeof OpenAI.APIError>> {
      const outcome: unknown = await bed.openai.chat.completions
        .create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming, { headers })
        .then(
          () => new Error('expected the request to fail'),
          (error: unknown) => error,
        );
      if (!(outcome instanceof OpenAI.APIError)) throw outcome;
      return outcome;
    }

    it('unknown model → 404 model_not_found before any vendor call', async () => {
      const error = await failure({ model: 'no-such-model', messages: [{ role: 'user', content: 'hi' }] });
      expect(error.status).toBe(404);
      expect(error.code).toBe('model_not_found');
      expect(error.type).toBe('invalid_request_error');
      expect(error.param).toBe('model');
      expect(error.message).toMatch(/no-such-model/);
      expect(error.requestID).toMatch(/\S+/);
      expect(error.error).toMatchObject({ requestId: error.requestID });
      expect(bed.fake.calls).toHaveLength(0);
    });

    it.each([
      [
        'a bad role',
        { model: MODELS.openai, messages: [{ role: 'wizard', content: 'hi' }] },
        'messages[0].role',
      ],
      ['empty messages', { model: MODELS.openai, messages: [] }, 'messages'],
      [
        'a wrongly typed temperature',
        { model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }], temperature: 'hot' },
        'temperature',
      ],
      [
        'content of the wrong type',
        { model: MODELS.openai, messages: [{ role: 'user', content: 42 }] },
        'messages[0].content',
      ],
      [
        'an unsupported content part',
        { model: MODELS.openai, messages: [{ role: 'user', content: [{ type: 'input_audio' }] }] },
        'messages[0].content[0].type',
      ],
      [
        'a tool message without tool_call_id',
        { model: MODELS.openai, messages: [{ role: 'tool', content: 'x' }] },
        'messages[0].tool_call_id',
      ],
      [
        'an unknown field',
        { model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }], reasoning_effort: 'high' },
        'reasoning_effort',
      ],
      ['n above 1', { model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }], n: 2 }, 'n'],
      ['a missing model', { messages: [{ role: 'user', content: 'hi' }] }, 'model'],
    ])('%s → 400 naming the field', async (_what, body, param) => {
      const error = await failure(body);
      expect(error.status).toBe(400);
      expect(error.type).toBe('invalid_request_error');
      expect(error.code).toBe('validation_failed');
      expect(error.param).toBe(param);
      expect(messageOf(error)).toMatch(/^Request validation failed: /);
      expect(bed.fake.calls).toHaveLength(0);
    });

    it("max_tokens over the model's output limit → 400 naming max_tokens", async () => {
      const error = await failure({
        model: MODELS.anthropic,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: ANTHROPIC_MAX_OUTPUT + 1,
      });
      expect(error.status).toBe(400);
      expect(error.param).toBe('max_tokens');
      expect(messageOf(error)).toContain(String(ANTHROPIC_MAX_OUTPUT));
      expect(bed.fake.calls).toHaveLength(0);
    });

    it('an invalid hint header → 400 naming the header', async () => {
      const error = await failure(
        { model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }] },
        { 'x-gateway-fallback': 'maybe' },
      );
      expect(error.status).toBe(400);
      expect(error.param).toBe('x-gateway-fallback');
    });

    it("a vendor's 400 reaches the caller with the vendor's message", async () => {
      bed.fake.enqueue('openai', {
        kind: 'status',
        status: 400,
        message: "Invalid 'messages[0].content': image too large",
      });
      const error = await failure({ model: MODELS.openai, messages: [{ role: 'user', content: 'hi' }] });
      expect(error.status).toBe(400);
      expect(error.code).toBe('bad_request');
      expect(messageOf(error)).toBe("Invalid 'messages[0].content': image too large");
    });

    it('every deployment down → 503 no_deployment_available', async () => {
      bed.fake.setDefault('anthropic', { kind: 'status', status: 529, message: 'Overloaded' });
      const error = await failure({ model: MODELS.anthropic, messages: [{ role: 'user', content: 'hi' }] });
      expect(error.status).toBe(503);
      expect(error.code).toBe('no_deployment_available');
      expect(error.type).toBe('api_error');
    });

    it('a pinned deployment that does not serve the model → 404 deployment_not_found', async () => {
      const error = await failure(
        { model: MODELS.anthropic, messages: [{ role: 'user', content: 'hi' }] },
        { 'x-gateway-deployment': 'openai-main' },
      );
      expect(error.status).toBe(404);
      expect(error.code).toBe('deployment_not_found');
    });

    it('no credentials → 401', async () => {
      const anonymous = new OpenAI({ baseURL: `${bed.url}/v1`, apiKey: 'not-a-key', maxRetries: 0 });
      const error = await anonymous.models.list().then(
        () => undefined,
        (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
      );
      expect(error?.status).toBe(401);
      expect(error?.type).toBe('authentication_error');
    });
  });
});
