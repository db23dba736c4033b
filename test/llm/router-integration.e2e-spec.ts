import type { DeploymentConfig } from '@app/config';
import {
  createProvider,
  HealthMonitor,
  InMemoryCircuitBreaker,
  LlmRouter,
  ModelCatalog,
  NoDeploymentAvailableError,
  ProviderError,
  RedisCapacityLimiter,
  type ChatChunk,
  type ChatRequest,
} from '@app/llm';
import { deploymentConfig, routingConfig, type RoutingOverrides } from '@app/llm/router/testing/fixtures';
import Redis from 'ioredis';
import { FakeVendorServer } from '../support/fake-vendors';
import { testRedisUrl, uniquePrefix } from '../support/services';

/**
 * The router with the real adapters (official SDKs over loopback HTTP to the fake vendors), the real
 * Redis capacity limiter and the real health monitor: what the api and the worker run.
 */
let fake: FakeVendorServer;
const redisClients: Redis[] = [];

beforeAll(async () => {
  fake = await FakeVendorServer.start();
});
afterAll(async () => {
  await fake.close();
  redisClients.forEach((r) => r.disconnect());
});
beforeEach(() => fake.reset());

/** A connected client: the limiter fails open while its connection is not ready yet. */
async function redis(): Promise<Redis> {
  const client = new Redis(testRedisUrl(), { maxRetriesPerRequest: 1, lazyConnect: true });
  redisClients.push(client);
  await client.connect();
  return client;
}

const openai = (id: string, o: Partial<DeploymentConfig> = {}): DeploymentConfig =>
  deploymentConfig(id, { type: 'openai', baseUrl: `${fake.url}/v1`, timeoutMs: 5_000, ...o });
const anthropic = (id: string, o: Partial<DeploymentConfig> = {}): DeploymentConfig =>
  deploymentConfig(id, {
    type: 'anthropic',
    baseUrl: fake.url,
    models: [{ name: 'chat', model: 'claude-test' }],
    timeoutMs: 5_000,
    ...o,
  });
const bedrock = (id: string, o: Partial<DeploymentConfig> = {}): DeploymentConfig =>
  deploymentConfig(id, {
    type: 'bedrock',
    apiKey: undefined,
    region: 'us-east-1',
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'secret-example',
    baseUrl: fake.url,
    models: [{ name: 'chat', model: 'anthropic.claude-test-v1:0' }],
    timeoutMs: 5_000,
    ...o,
  });

interface Gateway {
  router: LlmRouter;
  breaker: InMemoryCircuitBreaker;
  monitor: HealthMonitor;
}

async function gateway(
  deployments: DeploymentConfig[],
  routing: RoutingOverrides = {},
  keyPrefix = uniquePrefix(),
): Promise<Gateway> {
  const config = routingConfig({ retry: { baseDelayMs: 1, maxDelayMs: 5 }, ...routing });
  const catalog = new ModelCatalog(deployments, config, createProvider);
  const breaker = new InMemoryCircuitBreaker(config.breaker);
  const capacity = new RedisCapacityLimiter(await redis(), { keyPrefix });
  const monitor = new HealthMonitor({ breaker });
  return {
    router: new LlmRouter({ catalog, routing: config, breaker, capacity, health: monitor }),
    breaker,
    monitor,
  };
}

const ask = (text = 'hello'): ChatRequest => ({ model: 'chat', messages: [{ role: 'user', content: text }] });

async function collect(chunks: AsyncIterable<ChatChunk>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk.choices[0]?.delta.content ?? '';
  return text;
}

describe('router over real adapters', () => {
  it('falls back across vendors: OpenAI 503s (retried once), Anthropic answers', async () => {
    const { router } = await gateway([openai('openai-a'), anthropic('anthropic-b', { priority: 1 })]);
    fake.setDefault('openai', { kind: 'status', status: 503, message: 'overloaded' });
    const result = await router.generate(ask('fallback please'));
    expect(result.deploymentId).toBe('anthropic-b');
    expect(result.response.choices[0].message.content).toBe('echo: fallback please');
    expect(result.attempts.map((a) => [a.deploymentId, a.ok, a.status])).toEqual([
      ['openai-a', false, 503],
      ['openai-a', false, 503],
      ['anthropic-b', true, undefined],
    ]);
    expect(fake.callsFor('openai')).toHaveLength(2);
  });

  it('streams through Bedrock after OpenAI resets before the first chunk', async () => {
    const { router } = await gateway([
      openai('openai-a', { maxRetries: 0 }),
      bedrock('bedrock-b', { priority: 1 }),
    ]);
    fake.enqueue('openai', { kind: 'reset' });
    const stream = await router.stream(ask('stream me'));
    expect(stream.deploymentId).toBe('bedrock-b');
    expect(await collect(stream.chunks)).toBe('echo: stream me');
  });

  it('never falls back on a 400: the vendor message reaches the caller', async () => {
    const { router } = await gateway([openai('openai-a'), anthropic('anthropic-b', { priority: 1 })]);
    fake.enqueue('openai', { kind: 'status', status: 400, message: 'messages[0].content is too long' });
    const error = await router.generate(ask()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ code: 'bad_request', status: 400, retryable: false });
    expect((error as Error).message).toContain('messages[0].content is too long');
    expect(fake.callsFor('anthropic')).toHaveLength(0);
  });

  it('ends a stream that dies after its first chunks with an error, never a silent truncation', async () => {
    const { router } = await gateway([anthropic('anthropic-a'), openai('openai-b', { priority: 1 })]);
    fake.enqueue('anthropic', { kind: 'ok', text: 'one two three four five six' });
    fake.enqueue('anthropic', { kind: 'stream-die', afterChunks: 2 });
    expect(await collect((await router.stream(ask())).chunks)).toBe('one two three four five six');
    const stream = await router.stream(ask());
    expect(stream.deploymentId).toBe('anthropic-a');
    const received: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream.chunks) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(received.join('')).not.toBe('');
    expect(fake.callsFor('openai')).toHaveLength(0);
  });

  it("passes the caller's abort to the vendor within 100 ms and does not retry", async () => {
    const { router } = await gateway([openai('openai-a'), anthropic('anthropic-b', { priority: 1 })]);
    fake.enqueue('openai', { kind: 'delay', ms: 5_000 });
    const controller = new AbortController();
    const pending = router.generate(ask(), { signal: controller.signal }).catch((e: unknown) => e);
    const call = await fake.waitForCall('openai');
    controller.abort();
    await fake.waitForAbort(call, 100);
    expect(await pending).toMatchObject({ code: 'aborted' });
    expect(fake.calls).toHaveLength(1);
  });

  it('honours Retry-After before retrying the same deployment', async () => {
    const { router } = await gateway([openai('openai-a', { maxRetries: 1 })]);
    fake.enqueue('openai', { kind: 'status', status: 429, retryAfter: '1' });
    const started = Date.now();
    const result = await router.generate(ask());
    expect(result.attempts.map((a) => a.status ?? 200)).toEqual([429, 200]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('opens the breaker after repeated failures, skips the deployment, then recovers through a half-open trial', async () => {
    const { router, breaker } = await gateway(
      [openai('openai-a', { maxRetries: 0 }), anthropic('anthropic-b', { priority: 1 })],
      { breaker: { failureThreshold: 2, cooldownMs: 300 } },
    );
    fake.setDefault('openai', { kind: 'status', status: 500 });
    await router.generate(ask());
    await router.generate(ask());
    expect(breaker.state('openai-a')).toBe('open');
    const openaiCallsWhenOpened = fake.callsFor('openai').length;
    expect((await router.generate(ask())).deploymentId).toBe('anthropic-b');
    expect(fake.callsFor('openai')).toHaveLength(openaiCallsWhenOpened);

    fake.setDefault('openai', { kind: 'ok' });
    await new Promise((r) => setTimeout(r, 350));
    expect((await router.generate(ask())).deploymentId).toBe('openai-a');
    expect(breaker.state('openai-a')).toBe('closed');
  });

  it('shares RPM capacity across two router instances on one Redis, then answers 429 with Retry-After', async () => {
    const prefix = uniquePrefix('cap');
    const limited = [openai('openai-a', { rpm: 3 })];
    const first = await gateway(limited, {}, prefix);
    const second = await gateway(limited, {}, prefix);
    for (const g of [first, second, first]) await g.router.generate(ask());
    const refused = await second.router.generate(ask()).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(NoDeploymentAvailableError);
    expect(refused).toMatchObject({ status: 429 });
    expect((refused as NoDeploymentAvailableError).retryAfterMs).toBeGreaterThan(0);
    expect(fake.callsFor('openai')).toHaveLength(3);

    const withSpare = [...limited, anthropic('anthropic-b', { priority: 1 })];
    const spilled = await (await gateway(withSpare, {}, prefix)).router.generate(ask());
    expect(spilled.deploymentId).toBe('anthropic-b');
  });

  it('feeds the health monitor: failures and latency per deployment', async () => {
    const { router, monitor } = await gateway([
      openai('openai-a', { maxRetries: 0 }),
      anthropic('anthropic-b', { priority: 1 }),
    ]);
    fake.enqueue('openai', { kind: 'status', status: 503 });
    await router.generate(ask());
    await router.generate(ask());
    const a = monitor.snapshot('openai-a');
    expect(a.requests).toBe(2);
    expect(a.errorRate).toBeCloseTo(0.5);
    expect(a.lastError).toMatchObject({ code: 'upstream_unavailable' });
    expect(monitor.snapshot('anthropic-b').latencyP50Ms).not.toBeNull();
  });
});
