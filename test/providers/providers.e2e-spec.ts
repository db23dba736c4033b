import { LlmRouter } from '@app/llm';
import { bearer, signTestAccessToken } from '../support/auth';
import { FakeVendorServer } from '../support/fake-vendors';
import { startApi, type RunningApi } from '../support/api-harness';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { testConfig } from '../support/test-config';

const OPENAI_KEY = 'sk-live-should-never-leak-0001';
const ANTHROPIC_KEY = 'sk-ant-should-never-leak-0002';
const asAdmin = { headers: bearer(signTestAccessToken({ role: 'admin' })) };

describe('GET /providers', () => {
  let fake: FakeVendorServer;
  let databaseUrl: string;
  let api: RunningApi;

  beforeAll(async () => {
    fake = await FakeVendorServer.start();
    databaseUrl = await createTestDatabase();
    api = await startApi(
      testConfig({
        databaseUrl,
        redisUrl: testRedisUrl(),
        keyPrefix: uniquePrefix(),
        extra: {
          providers: [
            {
              id: 'openai-a',
              type: 'openai',
              apiKey: OPENAI_KEY,
              baseUrl: `${fake.url}/v1`,
              models: [{ name: 'chat' }],
              maxRetries: 0,
              rpm: 100,
              tpm: 50000,
            },
            {
              id: 'anthropic-b',
              type: 'anthropic',
              apiKey: ANTHROPIC_KEY,
              baseUrl: fake.url,
              priority: 1,
              models: [{ name: 'chat', model: 'claude-test' }],
            },
            { id: 'disabled-c', type: 'openai', enabled: false, models: [{ name: 'chat' }] },
          ],
          routing: { breaker: { failureThreshold: 1, cooldownMs: 60_000 } },
        },
      }),
    );
  });

  afterAll(async () => {
    await api?.close();
    await fake?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('lists enabled deployments by provider with live state and remaining capacity, never a credential', async () => {
    const router = api.app.get(LlmRouter);
    fake.enqueue('openai', { kind: 'status', status: 503 });
    const served = await router.generate({ model: 'chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(served.deploymentId).toBe('anthropic-b');

    const res = await fetch(`${api.url}/providers`, asAdmin);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain(OPENAI_KEY);
    expect(text).not.toContain(ANTHROPIC_KEY);
    expect(text).not.toMatch(/apiKey|secretAccessKey/);
    const body = JSON.parse(text) as { type: string; deployments: { id: string; [k: string]: unknown }[] }[];
    expect(body.map((p) => [p.type, p.deployments.map((d) => d.id)])).toEqual([
      ['openai', ['openai-a']],
      ['anthropic', ['anthropic-b']],
    ]);
    const [openaiA] = body[0].deployments;
    expect(openaiA).toMatchObject({
      models: [{ name: 'chat', vendorModel: 'chat' }],
      limits: { rpm: 100, tpm: 50000 },
      remaining: { requests: 99 },
      health: {
        state: 'cooling',
        breaker: 'open',
        requests: 1,
        errorRate: 1,
        lastError: { code: 'upstream_unavailable' },
      },
    });
    expect(body[1].deployments[0]).toMatchObject({
      limits: { rpm: null, tpm: null },
      remaining: { requests: null, tokens: null },
      health: { state: 'healthy', breaker: 'closed', requests: 1, errorRate: 0 },
    });
  });

  it('is for admins only: no token → 401, a user token → 403', async () => {
    expect((await fetch(`${api.url}/providers`)).status).toBe(401);
    const asUser = { headers: bearer(signTestAccessToken({ role: 'user' })) };
    const res = await fetch(`${api.url}/providers`, asUser);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'forbidden' } });
  });

  it('GET /providers/:id/status answers for one deployment and 404s for unknown or disabled ones', async () => {
    const one = await fetch(`${api.url}/providers/anthropic-b/status`, asAdmin);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ id: 'anthropic-b', type: 'anthropic' });
    for (const id of ['nope', 'disabled-c']) {
      const res = await fetch(`${api.url}/providers/${id}/status`, asAdmin);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: { code: 'not_found' } });
    }
  });
});
