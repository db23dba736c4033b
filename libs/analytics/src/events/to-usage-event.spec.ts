import { PriceTable } from '../pricing/price-table';
import type { RequestUsageSource } from './request-usage-source';
import { countFallbacks, toUsageEvent, type UsageMappingContext } from './to-usage-event';

const prices = new PriceTable([
  { model: 'gpt-4o', inputPerMillion: 2.5, outputPerMillion: 10 },
  { model: 'claude-test', inputPerMillion: 3, outputPerMillion: 15 },
]);

const context = (overrides: Partial<UsageMappingContext> = {}): UsageMappingContext => ({
  id: 'e1',
  occurredAt: 1_700_000_000_000,
  origin: 'api',
  prices,
  ...overrides,
});

const served: RequestUsageSource = {
  callerId: 'user-1',
  apiKeyId: 'key-1',
  requestId: 'req-1',
  route: 'POST /v1/chat/completions',
  requestedModel: 'smart',
  model: 'gpt-4o',
  provider: 'openai',
  deploymentId: 'openai-a',
  stream: false,
  outcome: 'ok',
  cache: 'miss',
  usage: { prompt_tokens: 1_000, completion_tokens: 200 },
  attempts: [
    { deploymentId: 'openai-a', provider: 'openai', vendorModel: 'gpt-4o-2024', ok: true, latencyMs: 120.4 },
  ],
  durationMs: 130.6,
};

describe('toUsageEvent', () => {
  it('maps a served request with caller, route, tokens, cost and its attempt', () => {
    const event = toUsageEvent(served, context({ publicModel: () => 'gpt-4o' }));
    expect(event).toEqual({
      id: 'e1',
      occurredAt: 1_700_000_000_000,
      requestId: 'req-1',
      kind: 'chat',
      userId: 'user-1',
      apiKeyId: 'key-1',
      route: 'POST /v1/chat/completions',
      modelGroup: 'smart',
      provider: 'openai',
      deploymentId: 'openai-a',
      model: 'gpt-4o',
      outcome: 'ok',
      status: 200,
      errorCode: null,
      promptTokens: 1_000,
      completionTokens: 200,
      costUsd: 0.0045,
      latencyMs: 131,
      ttftMs: null,
      attempts: [
        {
          deploymentId: 'openai-a',
          provider: 'openai',
          model: 'gpt-4o',
          vendorModel: 'gpt-4o-2024',
          ok: true,
          errorCode: null,
          status: null,
          latencyMs: 120,
          ttftMs: null,
        },
      ],
      fallbacks: 0,
      cacheHit: false,
      streamAborted: false,
    });
  });

  it('counts fallbacks as moves between deployments, not retries', () => {
    const attempt = (deploymentId: string, ok = false) => ({
      deploymentId,
      provider: 'openai',
      vendorModel: 'm',
      ok,
      latencyMs: 1,
    });
    expect(countFallbacks([attempt('a'), attempt('a'), attempt('b'), attempt('c', true)])).toBe(2);
    const event = toUsageEvent(
      { ...served, deploymentId: 'b', attempts: [attempt('a'), attempt('a'), attempt('b', true)] },
      context(),
    );
    expect(event.fallbacks).toBe(1);
    expect(event.attempts).toHaveLength(3);
    expect(event.attempts[0].model).toBe('m'); // no catalog: the vendor model
  });

  it('records a cache hit with its tokens but no cost', () => {
    const event = toUsageEvent({ ...served, cache: 'hit', attempts: [], durationMs: 2 }, context());
    expect(event.cacheHit).toBe(true);
    expect(event.promptTokens).toBe(1_000);
    expect(event.costUsd).toBe(0);
    expect(event.attempts).toEqual([]);
  });

  it('records a failure with the error status and code and no server', () => {
    const event = toUsageEvent(
      {
        ...served,
        model: undefined,
        provider: undefined,
        deploymentId: undefined,
        outcome: 'error',
        usage: undefined,
        error: { code: 'no_deployment_available', status: 503 },
        attempts: [
          {
            deploymentId: 'openai-a',
            provider: 'openai',
            vendorModel: 'gpt-4o',
            ok: false,
            errorCode: 'upstream_unavailable',
            status: 503,
            latencyMs: 5,
          },
        ],
      },
      context(),
    );
    expect(event).toMatchObject({
      outcome: 'error',
      status: 503,
      errorCode: 'no_deployment_available',
      provider: null,
      deploymentId: null,
      model: null,
      promptTokens: 0,
      completionTokens: 0,
      costUsd: 0,
    });
    expect(event.attempts[0]).toMatchObject({ ok: false, errorCode: 'upstream_unavailable', status: 503 });
  });

  it('records a stream the caller closed as aborted (499) with the usage it got', () => {
    const event = toUsageEvent(
      {
        ...served,
        stream: true,
        outcome: 'aborted',
        ttftMs: 40.2,
        usage: { prompt_tokens: 10, completion_tokens: 0 },
      },
      context(),
    );
    expect(event).toMatchObject({
      kind: 'stream',
      status: 499,
      errorCode: 'aborted',
      streamAborted: true,
      ttftMs: 40,
    });
    expect(event.costUsd).toBe(0.000025);
  });

  it('makes every event of a worker a task and defaults the route per process', () => {
    const { route: _route, ...withoutRoute } = served;
    expect(toUsageEvent(withoutRoute, context({ origin: 'worker' }))).toMatchObject({
      kind: 'task',
      route: 'task',
    });
    expect(toUsageEvent({ ...withoutRoute, stream: true }, context())).toMatchObject({
      kind: 'stream',
      route: 'chat',
    });
  });

  it('prices by the vendor model when the public one has none, and reports models without a price', () => {
    const unpriced: string[] = [];
    const viaVendor = toUsageEvent(
      {
        ...served,
        model: 'claude',
        attempts: [
          {
            deploymentId: 'openai-a',
            provider: 'anthropic',
            vendorModel: 'claude-test',
            ok: true,
            latencyMs: 1,
          },
        ],
      },
      context({ onUnpriced: (m) => unpriced.push(m) }),
    );
    expect(viaVendor.costUsd).toBe(0.006);
    const none = toUsageEvent(
      { ...served, model: 'mystery', attempts: [] },
      context({ onUnpriced: (m) => unpriced.push(m) }),
    );
    expect(none.costUsd).toBe(0);
    expect(unpriced).toEqual(['mystery']);
  });
});
