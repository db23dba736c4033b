import type { ServerResponse } from 'node:http';
import { DeploymentModelConfig } from '@app/config/schema';
import { createBedrockProvider } from '@app/llm/adapters/bedrock';
import type { LlmProvider } from '@app/llm/core';
import type { RecordedCall } from '../support/fake-vendors';
import {
  encodeEvent,
  encodeException,
  writeBytes,
  writeStreamHead,
} from '../support/fake-vendors/bedrock-stream';
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
  StallingVendor,
  asProviderError,
  contentOf,
  deployment,
  drain,
  providerErrorOf,
} from './support/vendor-adapter-kit';

const MODEL = 'anthropic.claude-fake-v1:0';
const chat = chatFor(MODEL);

const TOOL_CONVERSATION = toolConversation('tooluse_', 'Let me check.');

/** A Converse stream's messageStart and one text delta, `partial`. */
async function writeFirstChunk(res: ServerResponse, requestId: string): Promise<void> {
  writeStreamHead(res, requestId);
  await writeBytes(res, encodeEvent({ type: 'messageStart', payload: { role: 'assistant' } }));
  await writeBytes(
    res,
    encodeEvent({
      type: 'contentBlockDelta',
      payload: { contentBlockIndex: 0, delta: { text: 'partial' } },
    }),
  );
}

function expectConverseStreamCall(call: RecordedCall): void {
  expect(decodeURIComponent(call.path)).toBe(`/model/${MODEL}/converse-stream`);
}

describe('Bedrock adapter (AWS SDK Converse) against the fake vendor', () => {
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
  const bed = adapterTestBed(bedrockAt);

  describeAdapterContract(bed, {
    vendor: 'bedrock',
    model: MODEL,
    deploymentId: 'bedrock-main',
    responseId: /^bedrock-req-/,
    toolIdPrefix: 'tooluse_',
    maxTokensSent: (body) => (body as { inferenceConfig: { maxTokens: number } }).inferenceConfig.maxTokens,
    expectStreamRequest: expectConverseStreamCall,
    statusCases: [
      [429, 'rate_limited', true],
      [503, 'upstream_unavailable', true],
      [500, 'upstream_error', true],
      [400, 'bad_request', false],
      [403, 'permission_denied', false],
      [404, 'model_not_found', false],
    ],
    promptTooLongMessage: 'Input is too long for requested model.',
    probeRejection: { status: 403, message: 'not authorized', code: 'permission_denied' },
    startStalledStream: (res) => writeFirstChunk(res, 'req-stall'),
    stalledStreamId: 'bedrock-req-stall',
  });

  describe('generate', () => {
    it('maps the reply and usage, and sends system blocks, inference config and the model in the path', async () => {
      const response = await bed.provider.generate(
        chat({ temperature: 0.3, top_p: 0.9, stop: ['END'], user: 'u-1' }),
        new AbortController().signal,
      );

      expect(response.id).toMatch(/^bedrock-req-/);
      expect(response.model).toBe(MODEL);
      expect(response.choices).toEqual([
        { index: 0, message: { role: 'assistant', content: 'echo: hello there' }, finish_reason: 'stop' },
      ]);
      expect(response.usage).toEqual({ prompt_tokens: 7, completion_tokens: 5, total_tokens: 12 });

      const [call] = bed.fake.callsFor('bedrock');
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

    it('sends toolConfig, toolUse and merged toolResult turns, and maps toolUse back to tool_calls', async () => {
      const next = weatherToolCall('tooluse_next');
      bed.fake.enqueue('bedrock', { kind: 'ok', toolCalls: [next] });
      const response = await bed.provider.generate(
        chat({ messages: TOOL_CONVERSATION, tools: [WEATHER_TOOL], tool_choice: 'required' }),
        new AbortController().signal,
      );

      expect(response.choices[0]).toEqual(toolCallChoice(next));
      const body = bed.fake.calls[0].body as Record<string, unknown>;
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
      await bed.provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: { type: 'function', function: { name: 'get_weather' } } }),
        new AbortController().signal,
      );
      await bed.provider.generate(
        chat({ tools: [WEATHER_TOOL], tool_choice: 'none' }),
        new AbortController().signal,
      );
      const [named, none] = bed.fake.callsFor('bedrock').map((call) => call.body as Record<string, unknown>);
      expect(named.toolConfig).toMatchObject({ toolChoice: { tool: { name: 'get_weather' } } });
      expect(none.toolConfig).toBeUndefined();
    });

    it('sends data: images as inline bytes', async () => {
      await bed.provider.generate(
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
      const body = bed.fake.calls[0].body as { messages: Array<{ content: unknown[] }> };
      expect(body.messages[0].content).toEqual([
        { text: 'What is this?' },
        { image: { format: 'png', source: { bytes: PNG_DATA_URL.split(',')[1] } } },
      ]);
    });

    it('refuses http image URLs, which Converse cannot fetch, without calling the vendor', async () => {
      const error = await providerErrorOf(
        bed.provider.generate(
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
      expect(bed.fake.calls).toHaveLength(0);
    });

    it('uses structured output for json_schema and a system instruction for json_object', async () => {
      const schema = { type: 'object', properties: { answer: { type: 'string' } } };
      await bed.provider.generate(
        chat({ response_format: { type: 'json_schema', json_schema: { name: 'answer', schema } } }),
        new AbortController().signal,
      );
      await bed.provider.generate(
        chat({ response_format: { type: 'json_object' } }),
        new AbortController().signal,
      );
      const [jsonSchema, jsonObject] = bed.fake
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
    it('sends json_schema as a system instruction, ConverseStream having no structured output', async () => {
      const schema = { type: 'object', properties: { answer: { type: 'string' } } };
      await drain(
        bed.provider.stream(
          chat({ response_format: { type: 'json_schema', json_schema: { name: 'a', schema } } }),
          new AbortController().signal,
        ),
      );
      const body = bed.fake.calls[0].body as Record<string, unknown>;
      expect(body.outputConfig).toBeUndefined();
      expect(body.system).toEqual([
        { text: 'You are terse.' },
        { text: expect.stringContaining(JSON.stringify(schema)) },
      ]);
    });

    it('reports a frame with a bad checksum as invalid_response', async () => {
      bed.fake.enqueue('bedrock', { kind: 'malformed' });
      const { chunks, error } = await drain(bed.provider.stream(chat(), new AbortController().signal));
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({ code: 'invalid_response', status: 502 });
    });
  });

  describe('exception events inside a stream', () => {
    let vendor: StallingVendor;
    let exceptionType = 'throttlingException';

    // Exceptions arrive as event-stream frames after a 200; the shared fake has no behaviour for that.
    beforeAll(async () => {
      vendor = await StallingVendor.start(async (res) => {
        await writeFirstChunk(res, 'req-exception');
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

  describe('probe', () => {
    it('sends a one-token Converse request to the first model', async () => {
      await bed.provider.probe(new AbortController().signal);
      expect(decodeURIComponent(bed.fake.calls[0].path)).toBe(`/model/${MODEL}/converse`);
      expect(bed.fake.calls[0].body).toMatchObject({ inferenceConfig: { maxTokens: 1 } });
    });
  });
});
