import type { AdapterContract } from './adapter-contract';
import type { AdapterTestBed } from './adapter-test-bed';
import { chatFor } from './chat-fixtures';
import { StallingVendor, asProviderError, contentOf, drain, providerErrorOf } from './vendor-adapter-kit';

/** Error mapping, timeouts, aborts and probes every chat adapter must handle the same way. */
export function describeFailureScenarios(bed: AdapterTestBed, contract: AdapterContract): void {
  describeErrorScenarios(bed, contract);
  describeProbeScenarios(bed, contract);
  describeStalledStreamScenarios(bed, contract);
}

function describeErrorScenarios(bed: AdapterTestBed, contract: AdapterContract): void {
  const chat = chatFor(contract.model);
  const { vendor } = contract;

  describe('errors', () => {
    it.each(contract.statusCases)(
      'maps status %i to %s (retryable %s) with the vendor message',
      async (status, code, retryable) => {
        bed.fake.enqueue(vendor, { kind: 'status', status, message: `vendor says ${status}` });
        const error = await providerErrorOf(bed.provider.generate(chat(), new AbortController().signal));
        expect(error).toMatchObject({
          code,
          status,
          retryable,
          message: `vendor says ${status}`,
          deploymentId: contract.deploymentId,
        });
      },
    );

    it('passes Retry-After on 429 as retryAfterMs', async () => {
      bed.fake.enqueue(vendor, { kind: 'status', status: 429, retryAfter: '7' });
      const error = await providerErrorOf(bed.provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
    });

    it('recognises a prompt that is too long', async () => {
      bed.fake.enqueue(vendor, { kind: 'status', status: 400, message: contract.promptTooLongMessage });
      const error = await providerErrorOf(bed.provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'context_length_exceeded', retryable: false });
    });

    it('maps a connection reset to a retryable connection_error', async () => {
      bed.fake.enqueue(vendor, { kind: 'reset' });
      const error = await providerErrorOf(bed.provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'connection_error', retryable: true });
    });

    it('gives up after timeoutMs with a retryable timeout', async () => {
      bed.fake.enqueue(vendor, { kind: 'delay', ms: 3_000 });
      const started = Date.now();
      const error = await providerErrorOf(
        bed.providerAt(bed.fake.url, 300).generate(chat(), new AbortController().signal),
      );
      expect(error).toMatchObject({ code: 'timeout', status: 504, retryable: true });
      expect(Date.now() - started).toBeLessThan(2_000);
    });

    it('maps an unparsable body to invalid_response', async () => {
      bed.fake.enqueue(vendor, { kind: 'malformed' });
      const error = await providerErrorOf(bed.provider.generate(chat(), new AbortController().signal));
      expect(error).toMatchObject({ code: 'invalid_response', status: 502 });
    });

    it('aborts an in-flight request: the vendor sees the hang-up and the caller gets aborted', async () => {
      bed.fake.enqueue(vendor, { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const pending = providerErrorOf(bed.provider.generate(chat(), controller.signal));
      const call = await bed.fake.waitForCall(vendor);
      controller.abort();

      expect(await pending).toMatchObject({ code: 'aborted', retryable: false });
      await bed.fake.waitForAbort(call);
      expect(call.aborted).toBe(true);
    });

    it('aborts a stream waiting for its first event', async () => {
      bed.fake.enqueue(vendor, { kind: 'delay', ms: 5_000 });
      const controller = new AbortController();
      const pending = drain(bed.provider.stream(chat(), controller.signal));
      const call = await bed.fake.waitForCall(vendor);
      controller.abort();

      const { chunks, error } = await pending;
      expect(chunks).toEqual([]);
      expect(asProviderError(error)).toMatchObject({ code: 'aborted', retryable: false });
      await bed.fake.waitForAbort(call);
    });
  });
}

function describeProbeScenarios(bed: AdapterTestBed, contract: AdapterContract): void {
  describe('probe', () => {
    it('throws a ProviderError when the deployment does not answer well', async () => {
      const { status, message, code } = contract.probeRejection;
      bed.fake.enqueue(contract.vendor, { kind: 'status', status, message });
      const error = await providerErrorOf(bed.provider.probe(new AbortController().signal));
      expect(error).toMatchObject({ code });
    });
  });
}

function describeStalledStreamScenarios(bed: AdapterTestBed, contract: AdapterContract): void {
  const chat = chatFor(contract.model);

  describe('a stream that goes quiet after its first chunk', () => {
    let vendor: StallingVendor;

    beforeAll(async () => {
      vendor = await StallingVendor.start((res) => contract.startStalledStream(res));
    });
    afterAll(() => vendor.close());

    it('aborts mid-stream: the vendor sees the hang-up and the caller gets aborted', async () => {
      const controller = new AbortController();
      const chunks = bed.providerAt(vendor.url).stream(chat(), controller.signal)[Symbol.asyncIterator]();
      const first = await chunks.next();
      expect(first.value).toMatchObject({
        id: contract.stalledStreamId,
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
      const chunks = bed
        .providerAt(vendor.url)
        .stream(chat(), new AbortController().signal)
        [Symbol.asyncIterator]();
      await chunks.next();
      await chunks.return?.(undefined);
      await vendor.hungUp;
    });

    it('gives up when the vendor sends nothing for timeoutMs, with a retryable timeout', async () => {
      const started = Date.now();
      const { chunks, error } = await drain(
        bed.providerAt(vendor.url, 300).stream(chat(), new AbortController().signal),
      );
      expect(contentOf(chunks)).toBe('partial');
      expect(asProviderError(error)).toMatchObject({ code: 'timeout', retryable: true });
      expect(Date.now() - started).toBeLessThan(2_000);
      await vendor.hungUp;
    });
  });
}
