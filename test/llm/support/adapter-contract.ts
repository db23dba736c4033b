import type { ServerResponse } from 'node:http';
import type { ProviderErrorCode } from '@app/llm/core';
import type { RecordedCall } from '../../support/fake-vendors';
import { describeFailureScenarios } from './adapter-failure-scenarios';
import type { AdapterTestBed } from './adapter-test-bed';
import { chatFor, WEATHER_TOOL } from './chat-fixtures';
import { asProviderError, contentOf, drain, toolCallsOf } from './vendor-adapter-kit';

/** What differs between vendors in the scenarios every chat adapter must pass. */
export interface AdapterContract {
  /** The fake vendor's route family, also the `provider` its errors carry. */
  vendor: 'anthropic' | 'bedrock';
  /** The vendor model id the requests name. */
  model: string;
  /** Id of the deployment behind the test bed's provider. */
  deploymentId: string;
  /** The ids the vendor gives responses and stream chunks. */
  responseId: RegExp;
  /** How the vendor's tool-use ids begin (`toolu_`, `tooluse_`). */
  toolIdPrefix: string;
  /** max_tokens as the vendor's request body carries it. */
  maxTokensSent(body: unknown): unknown;
  /** Vendor-specific checks of the request a stream sends. */
  expectStreamRequest(call: RecordedCall): void;
  /** Each HTTP error status the vendor answers with, and the error it must become. */
  statusCases: ReadonlyArray<readonly [status: number, code: ProviderErrorCode, retryable: boolean]>;
  /** The vendor's message for a prompt longer than the context window. */
  promptTooLongMessage: string;
  /** A vendor answer that fails a probe, and the code the probe must throw. */
  probeRejection: { status: number; message: string; code: ProviderErrorCode };
  /** Writes a 200 stream head and a first chunk with the text `partial`, then goes quiet. */
  startStalledStream(res: ServerResponse): Promise<void>;
  /** The chunk id the adapter reports for that stalled stream. */
  stalledStreamId: string;
}

/** Registers the scenarios shared by every chat adapter; call inside the vendor's describe block. */
export function describeAdapterContract(bed: AdapterTestBed, contract: AdapterContract): void {
  describeGenerateScenarios(bed, contract);
  describeStreamScenarios(bed, contract);
  describeFailureScenarios(bed, contract);
}

function describeGenerateScenarios(bed: AdapterTestBed, contract: AdapterContract): void {
  const chat = chatFor(contract.model);

  describe('generate', () => {
    it('maps scripted usage and the max_tokens stop reason', async () => {
      bed.fake.enqueue(contract.vendor, {
        kind: 'ok',
        text: 'cut',
        usage: { input: 120, output: 30 },
        finish: 'length',
      });
      const response = await bed.provider.generate(chat({ max_tokens: 30 }), new AbortController().signal);
      expect(response.choices[0]).toMatchObject({ message: { content: 'cut' }, finish_reason: 'length' });
      expect(response.usage).toEqual({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 });
      expect(contract.maxTokensSent(bed.fake.calls[0].body)).toBe(30);
    });
  });
}

function describeStreamScenarios(bed: AdapterTestBed, contract: AdapterContract): void {
  const chat = chatFor(contract.model);
  const toolId = (suffix: string): string => `${contract.toolIdPrefix}${suffix}`;

  describe('stream', () => {
    it('streams role first, text deltas, then finish_reason and usage on the last chunk', async () => {
      const { chunks, error } = await drain(bed.provider.stream(chat(), new AbortController().signal));

      expect(error).toBeUndefined();
      contract.expectStreamRequest(bed.fake.calls[0]);
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
      expect(chunks[0].id).toMatch(contract.responseId);
    });

    it('streams tool calls as index/id/name deltas followed by argument fragments', async () => {
      bed.fake.enqueue(contract.vendor, {
        kind: 'ok',
        text: 'Checking.',
        toolCalls: [
          { id: toolId('1'), name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
          { id: toolId('2'), name: 'get_weather', arguments: '{"city":"Rome"}' },
        ],
        usage: { input: 50, output: 20 },
      });
      const { chunks, error } = await drain(
        bed.provider.stream(chat({ tools: [WEATHER_TOOL] }), new AbortController().signal),
      );

      expect(error).toBeUndefined();
      expect(contentOf(chunks)).toBe('Checking.');
      expect(toolCallsOf(chunks)).toEqual([
        { id: toolId('1'), name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
        { id: toolId('2'), name: 'get_weather', arguments: '{"city":"Rome"}' },
      ]);
      const firstToolDelta = chunks.find((chunk) => chunk.choices[0].delta.tool_calls)!.choices[0].delta
        .tool_calls![0];
      expect(firstToolDelta).toEqual({
        index: 0,
        id: toolId('1'),
        type: 'function',
        function: { name: 'get_weather', arguments: '' },
      });
      const last = chunks.at(-1)!;
      expect(last.choices[0].finish_reason).toBe('tool_calls');
      expect(last.usage).toEqual({ prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 });
    });

    it('yields exactly the chunks sent before the stream died, then a retryable connection_error', async () => {
      bed.fake.enqueue(contract.vendor, { kind: 'stream-die', afterChunks: 2 });
      const { chunks, error } = await drain(bed.provider.stream(chat(), new AbortController().signal));

      expect(chunks.map((chunk) => chunk.choices[0].delta.content)).toEqual(['echo:', ' hello']);
      expect(asProviderError(error)).toMatchObject({
        code: 'connection_error',
        retryable: true,
        provider: contract.vendor,
      });
    });

    it('reports an HTTP error before the stream starts like generate does', async () => {
      bed.fake.enqueue(contract.vendor, {
        kind: 'status',
        status: 429,
        retryAfter: '3',
        message: 'slow down',
      });
      const { chunks, error } = await drain(bed.provider.stream(chat(), new AbortController().signal));
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({
        code: 'rate_limited',
        status: 429,
        retryAfterMs: 3000,
        message: 'slow down',
      });
    });
  });
}
