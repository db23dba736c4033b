import { authorized, MODELS, startChatTestbed, type ChatTestbed } from './support/chat-testbed';
import { contentOf, parseSse } from './support/sse';

interface ErrorBody {
  error: {
    code: string;
    message: string;
    requestId: string;
    details?: string[];
    type?: string;
    param?: string;
  };
}

describe('the routes the frontend already calls', () => {
  let bed: ChatTestbed;

  beforeAll(async () => {
    bed = await startChatTestbed();
  });
  afterEach(() => bed.fake.reset());
  afterAll(() => bed?.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> =>
    fetch(`${bed.url}${path}`, {
      method: 'POST',
      headers: authorized(bed, headers),
      body: JSON.stringify(body),
    });

  const chatBody = { model: MODELS.openai, messages: [{ role: 'user', content: 'hi frontend' }] };

  describe('POST /chat/completions', () => {
    it('answers the OpenAI JSON body with the routing headers', async () => {
      const res = await post('/chat/completions', chatBody);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-provider')).toBe('openai');
      expect(res.headers.get('x-gateway-cache')).toBe('bypass');
      expect(await res.json()).toMatchObject({
        object: 'chat.completion',
        model: MODELS.openai,
        choices: [
          { index: 0, message: { role: 'assistant', content: 'echo: hi frontend' }, finish_reason: 'stop' },
        ],
        usage: { total_tokens: expect.any(Number) },
      });
    });

    it('streams when the body says stream: true', async () => {
      const res = await post('/chat/completions', { ...chatBody, stream: true });
      expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
      const events = parseSse(await res.text());
      expect(contentOf(events)).toBe('echo: hi frontend');
      expect(events.data[events.data.length - 1]).toBe('[DONE]');
    });

    it("answers errors in the project's format (no OpenAI fields off /v1)", async () => {
      const res = await post('/chat/completions', { ...chatBody, messages: [{ role: 'user' }] });
      expect(res.status).toBe(400);
      const body = (await res.json()) as ErrorBody;
      expect(body.error).toEqual({
        code: 'validation_failed',
        message: expect.stringMatching(/^Request validation failed: messages\.0\.content /),
        requestId: res.headers.get('x-request-id'),
        details: [expect.stringMatching(/^messages\.0\.content /)],
      });
    });
  });

  describe('POST /chat/stream', () => {
    it('always streams, whatever the body says', async () => {
      const res = await post('/chat/stream', {
        ...chatBody,
        stream: false,
        stream_options: { include_usage: true },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-deployment')).toBe('openai-main');
      const events = parseSse(await res.text());
      expect(contentOf(events)).toBe('echo: hi frontend');
      const usage = JSON.parse(events.data[events.data.length - 2]) as { usage?: { total_tokens: number } };
      expect(usage.usage?.total_tokens).toBeGreaterThan(0);
    });

    it('answers a refused request as a plain JSON error', async () => {
      const res = await post('/chat/stream', { ...chatBody, model: 'nope' });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('model_not_found');
    });
  });

  describe('POST /api/v1/completions (legacy)', () => {
    it('turns a prompt into a completion from the default model', async () => {
      const res = await post('/api/v1/completions', { prompt: 'legacy hello' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        id: expect.any(String),
        object: 'text_completion',
        created: expect.any(Number),
        model: MODELS.openai,
        provider: 'openai',
        choices: [{ index: 0, text: 'echo: legacy hello', logprobs: null, finish_reason: 'stop' }],
        usage: {
          prompt_tokens: expect.any(Number),
          completion_tokens: expect.any(Number),
          total_tokens: expect.any(Number),
        },
      });
      const sent = bed.fake.callsFor('openai')[0].body as { messages: unknown[] };
      expect(sent.messages).toEqual([{ role: 'user', content: 'legacy hello' }]);
    });

    it('honours model, provider, max_tokens and temperature', async () => {
      const res = await post('/api/v1/completions', {
        prompt: 'pick a vendor',
        model: MODELS.twoDeployments,
        provider: 'azure',
        max_tokens: 42,
        temperature: 0.2,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-gateway-deployment')).toBe('azure-west');
      expect(((await res.json()) as { provider: string }).provider).toBe('azure');
      expect(bed.fake.callsFor('azure')[0].body).toMatchObject({
        max_completion_tokens: 42,
        temperature: 0.2,
      });
    });

    it('validates the legacy body, naming the field', async () => {
      for (const [body, field] of [
        [{}, 'prompt'],
        [{ prompt: '' }, 'prompt'],
        [{ prompt: 'x', provider: 'acme' }, 'provider'],
        [{ prompt: 'x', max_tokens: 'many' }, 'max_tokens'],
      ] as const) {
        const res = await post('/api/v1/completions', body);
        expect(res.status).toBe(400);
        const error = ((await res.json()) as ErrorBody).error;
        expect(error.code).toBe('validation_failed');
        expect(error.details?.[0]).toMatch(new RegExp(`^${field} `));
      }
      expect(bed.fake.calls).toHaveLength(0);
    });

    it('refuses a provider that does not serve the model', async () => {
      const res = await post('/api/v1/completions', {
        prompt: 'x',
        model: MODELS.openai,
        provider: 'bedrock',
      });
      expect(res.status).toBe(404);
      expect(((await res.json()) as ErrorBody).error.code).toBe('deployment_not_found');
    });
  });

  it('documents every chat route in the OpenAPI document', async () => {
    const res = await fetch(`${bed.url}/docs-json`);
    const document = (await res.json()) as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/v1/chat/completions',
        '/v1/models',
        '/v1/models/{model}',
        '/chat/completions',
        '/chat/stream',
        '/api/v1/completions',
      ]),
    );
    const operation = document.paths['/v1/chat/completions'].post as { parameters: Array<{ name: string }> };
    expect(operation.parameters.map((p) => p.name)).toEqual(
      expect.arrayContaining([
        'x-gateway-deployment',
        'x-gateway-fallback',
        'x-gateway-timeout-ms',
        'cache-control',
      ]),
    );
  });

  it('needs the chat scope: no credentials → 401', async () => {
    const res = await fetch(`${bed.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(chatBody),
    });
    expect(res.status).toBe(401);
  });
});
