import type { ServerResponse } from 'node:http';
import { DeploymentModelConfig } from '@app/config/schema';
import { createAnthropicProvider } from '@app/llm/adapters/anthropic';
import type { LlmProvider } from '@app/llm/core';
import { describeAdapterContract } from './support/adapter-contract';
import { adapterTestBed } from './support/adapter-test-bed';
import {
  WEATHER_TOOL,
  chatFor,
  toolCallChoice,
  toolConversation,
  weatherToolCall,
} from './support/chat-fixtures';
import {
  PNG_DATA_URL,
  asProviderError,
  deployment,
  drain,
  providerErrorOf,
} from './support/vendor-adapter-kit';

const MODEL = 'claude-fake-1';
const chat = chatFor(MODEL);

const TOOL_CONVERSATION = toolConversation('toolu_', null);

const sse = (type: string, data: Record<string, unknown>): string =>
  `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

/** A message_start and one text delta, `partial`, then nothing. */
async function startStalledMessageStream(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const usage = { input_tokens: 3, output_tokens: 1 };
  res.write(
    sse('message_start', {
      message: { id: 'msg_stall', type: 'message', role: 'assistant', model: MODEL, content: [], usage },
    }),
  );
  res.write(sse('content_block_start', { index: 0, content_block: { type: 'text', text: '' } }));
  res.write(sse('content_block_delta', { index: 0, delta: { type: 'text_delta', text: 'partial' } }));
}

describe('Anthropic adapter (official SDK) against the fake vendor', () => {
  const anthropicAt = (baseUrl: string, timeoutMs = 5_000): LlmProvider =>
    createAnthropicProvider(
      deployment({
        id: 'anthropic-main',
        type: 'anthropic',
        apiKey: 'sk-test',
        baseUrl,
        timeoutMs,
        models: [
          Object.assign(new DeploymentModelConfig(), { name: 'claude', model: MODEL, maxOutputTokens: 1024 }),
        ],
      }),
    );
  const bed = adapterTestBed(anthropicAt);

  describeAdapterContract(bed, {
    vendor: 'anthropic',
    model: MODEL,
    deploymentId: 'anthropic-main',
    responseId: /^msg_/,
    toolIdPrefix: 'toolu_',
    maxTokensSent: (body) => (body as { max_tokens: number }).max_tokens,
    expectStreamRequest: (call) => expect((call.body as { stream: boolean }).stream).toBe(true),
    statusCases: [
      [429, 'rate_limited', true],
      [529, 'upstream_unavailable', true],
      [503, 'upstream_unavailable', true],
      [500, 'upstream_error', true],
      [400, 'bad_request', false],
      [401, 'authentication_failed', false],
      [403, 'permission_denied', false],
      [404, 'model_not_found', false],
    ],
    promptTooLongMessage: 'prompt is too long: 250000 tokens > 200000 maximum',
    probeRejection: { status: 401, message: 'invalid x-api-key', code: 'authentication_failed' },
    startStalledStream: startStalledMessageStream,
    stalledStreamId: 'msg_stall',
  });

  describe('generate', () => {
    it('maps the reply and usage, and sends system split out, the model max_tokens and no sampling params', async () => {
      const response = await bed.provider.generate(
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

      const [call] = bed.fake.callsFor('anthropic');
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

    it('sends tools, tool_choice, tool_use and merged tool_result turns, and maps tool_use back to tool_calls', async () => {
      const next = weatherToolCall('toolu_next');
      bed.fake.enqueue('anthropic', { kind: 'ok', toolCalls: [next] });
      const response = await bed.provider.generate(
        chat({ messages: TOOL_CONVERSATION, tools: [WEATHER_TOOL], tool_choice: 'required' }),
        new AbortController().signal,
      );

      expect(response.choices[0]).toEqual(toolCallChoice(next));
      const body = bed.fake.calls[0].body as Record<string, unknown>;
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
      await bed.provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } }),
        new AbortController().signal,
      );
      await bed.provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: 'none' }),
        new AbortController().signal,
      );
      const [named, none] = bed.fake
        .callsFor('anthropic')
        .map((call) => (call.body as { tool_choice: unknown }).tool_choice);
      expect(named).toEqual({ type: 'tool', name: 'get_weather' });
      expect(none).toEqual({ type: 'none' });
    });

    it('sends data: images as base64 sources and http images as url sources', async () => {
      await bed.provider.generate(
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
      const body = bed.fake.calls[0].body as { messages: Array<{ content: unknown[] }> };
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
      await bed.provider.generate(
        chat({ response_format: { type: 'json_object' } }),
        new AbortController().signal,
      );
      const schema = { type: 'object', properties: { answer: { type: 'string' } } };
      await bed.provider.generate(
        chat({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } }),
        new AbortController().signal,
      );
      const [jsonObject, jsonSchema] = bed.fake
        .callsFor('anthropic')
        .map((call) => call.body as Record<string, unknown>);
      expect(jsonObject.system).toMatch(/^You are terse\.\n\nRespond with a single valid JSON object/);
      expect(jsonSchema.output_config).toEqual({ format: { type: 'json_schema', schema } });
    });

    it('rejects tool-call arguments that are not a JSON object before calling the vendor', async () => {
      const error = await providerErrorOf(
        bed.provider.generate(
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
      expect(bed.fake.calls).toHaveLength(0);
    });
  });

  describe('stream', () => {
    it('reports a stream frame it cannot parse as invalid_response', async () => {
      bed.fake.enqueue('anthropic', { kind: 'malformed' });
      const { error } = await drain(bed.provider.stream(chat(), new AbortController().signal));
      expect(asProviderError(error)).toMatchObject({ code: 'invalid_response', status: 502 });
    });
  });

  describe('probe', () => {
    it('sends a one-token request to the first model', async () => {
      await bed.provider.probe(new AbortController().signal);
      expect(bed.fake.calls[0].body).toMatchObject({ model: MODEL, max_tokens: 1 });
    });
  });
});
