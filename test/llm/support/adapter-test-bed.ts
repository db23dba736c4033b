import type { LlmProvider } from '@app/llm/core';
import { FakeVendorServer } from '../../support/fake-vendors';

/** Builds the adapter under test for a deployment at `baseUrl` (default timeout when none given). */
export type ProviderAt = (baseUrl: string, timeoutMs?: number) => LlmProvider;

export interface AdapterTestBed {
  /** The fake vendor, started once for the describe block and reset after each test. */
  readonly fake: FakeVendorServer;
  /** The adapter pointed at the fake with the default timeout. */
  readonly provider: LlmProvider;
  readonly providerAt: ProviderAt;
}

/** Registers the hooks that start, reset and close the fake vendor; call inside a describe block. */
export function adapterTestBed(providerAt: ProviderAt): AdapterTestBed {
  let fake: FakeVendorServer | undefined;
  let provider: LlmProvider | undefined;

  beforeAll(async () => {
    fake = await FakeVendorServer.start();
    provider = providerAt(fake.url);
  });
  afterEach(() => fake?.reset());
  afterAll(() => fake?.close());

  return {
    get fake(): FakeVendorServer {
      if (!fake) throw new Error('the fake vendor starts in beforeAll');
      return fake;
    },
    get provider(): LlmProvider {
      if (!provider) throw new Error('the provider is built in beforeAll');
      return provider;
    },
    providerAt,
  };
}
