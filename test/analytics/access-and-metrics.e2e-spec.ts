import type { UsageReport } from '@app/analytics';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { bearer, signTestAccessToken } from '../support/auth';
import {
  BOOTSTRAP_ADMIN,
  eventually,
  startAnalyticsTestbed,
  type AnalyticsTestbed,
} from './support/analytics-testbed';

const ADMIN_ROUTES = ['/analytics/usage', '/analytics/performance', '/metrics'];

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('analytics: access and metrics', () => {
  let bed: AnalyticsTestbed;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${bed.api.url}${path}`, { headers });

  beforeAll(async () => {
    bed = await startAnalyticsTestbed();
  });
  afterAll(() => bed?.close());

  it('answers 401 without credentials and 403 to a non-admin', async () => {
    const user = signTestAccessToken({ role: 'user' });
    for (const path of ADMIN_ROUTES) {
      const anonymous = await get(path);
      expect({ path, status: anonymous.status }).toEqual({ path, status: 401 });
      const denied = await get(path, bearer(user));
      expect({ path, status: denied.status }).toEqual({ path, status: 403 });
      expect(((await denied.json()) as { error: { code: string } }).error.code).toBe('forbidden');
      const allowed = await get(path, bearer(bed.adminToken));
      expect({ path, status: allowed.status }).toEqual({ path, status: 200 });
    }
  });

  it("lets an admin's API key in only with the analytics:read scope", async () => {
    const signIn = await fetch(`${bed.api.url}/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(BOOTSTRAP_ADMIN),
    });
    expect(signIn.status).toBe(200);
    const { accessToken } = (await signIn.json()) as { accessToken: string };
    const createKey = async (scopes: string[]): Promise<{ id: string; key: string }> => {
      const res = await fetch(`${bed.api.url}/api-keys`, {
        method: 'POST',
        headers: { ...bearer(accessToken), 'content-type': 'application/json' },
        body: JSON.stringify({ name: `analytics ${scopes.join(',')}`, scopes }),
      });
      expect(res.status).toBe(201);
      return (await res.json()) as { id: string; key: string };
    };
    const reader = await createKey(['analytics:read']);
    const chatOnly = await createKey(['chat']);
    for (const path of ADMIN_ROUTES) {
      expect({ path, status: (await get(path, bearer(reader.key))).status }).toEqual({ path, status: 200 });
      expect({ path, status: (await get(path, bearer(chatOnly.key))).status }).toEqual({ path, status: 403 });
    }

    // a chat call made with a key is accounted to that key
    bed.fake.enqueue('openai', { kind: 'ok', usage: { input: 12, output: 3 } });
    expect(
      (await bed.chat(chatOnly.key, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'k' }] }))
        .status,
    ).toBe(200);
    const byKey = await eventually(
      () => bed.admin<UsageReport>(`/analytics/usage?groupBy=key&apiKeyId=${chatOnly.id}`),
      (report) => report.totals.requests >= 1,
    );
    expect(byKey.groups).toEqual([
      expect.objectContaining({ key: chatOnly.id, requests: 1, promptTokens: 12, completionTokens: 3 }),
    ]);
  });

  it('exposes request, upstream, fallback, breaker, queue and cache series in Prometheus format', async () => {
    const token = signTestAccessToken({ userId: randomUUID(), limits: { rpm: 0, tpm: 0, tpd: 0 } });
    bed.fake.enqueue('openai', { kind: 'status', status: 503 });
    expect(
      (await bed.chat(token, { model: 'gpt-4o', messages: [{ role: 'user', content: 'fb' }] })).status,
    ).toBe(200);
    const cached = { model: 'gpt-4o-mini', temperature: 0, messages: [{ role: 'user', content: 'again' }] };
    await bed.chat(token, cached);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await bed.chat(token, cached)).headers.get('x-gateway-cache')).toBe('hit');
    await new Promise((resolve) => setImmediate(resolve));

    const res = await get('/metrics', bearer(bed.adminToken));
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await res.text();
    const expected = [
      /^mpb_http_requests_total\{method="POST",route="\/v1\/chat\/completions",status="200"\} [1-9]/m,
      /^mpb_http_request_duration_seconds_bucket\{le="[^"]+",method="POST",route="\/v1\/chat\/completions",status="200"\}/m,
      /^mpb_upstream_latency_seconds_bucket\{le="[^"]+",provider="azure",deployment="azure-west"\}/m,
      /^mpb_upstream_attempts_total\{provider="openai",deployment="openai-main",outcome="upstream_unavailable"\} 1/m,
      /^mpb_fallbacks_total\{model_group="gpt-4o"\} 1/m,
      /^mpb_circuit_breaker_state\{provider="openai",deployment="openai-main"\} 0/m,
      /^mpb_queue_jobs\{queue="usage-events",state="waiting"\} \d+/m,
      /^mpb_cache_hits_total\{model_group="gpt-4o-mini"\} 1/m,
      /^mpb_chat_requests_total\{kind="chat",outcome="ok"\} [1-9]/m,
      /^mpb_tokens_total\{provider="openai",direction="prompt"\} \d+/m,
      /^mpb_process_cpu_seconds_total /m,
    ];
    for (const pattern of expected) expect(text).toMatch(pattern);
    // an unmatched URL is counted under one label, whatever its path
    await get(`/no-such-route-${randomUUID()}`);
    expect(await (await get('/metrics', bearer(bed.adminToken))).text()).toMatch(
      /^mpb_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/m,
    );
  });

  it('serves /metrics on a separate port without auth when configured, and not on the api', async () => {
    const port = await freePort();
    const api = await bed.startAnotherApi({ metrics: { port } });
    const separate = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(separate.status).toBe(200);
    expect(await separate.text()).toContain('mpb_http_requests_total');
    expect((await fetch(`${api.url}/metrics`, { headers: bearer(bed.adminToken) })).status).toBe(404);
    const usage = await fetch(`${api.url}/analytics/usage`, { headers: bearer(bed.adminToken) });
    expect(((await usage.json()) as UsageReport).totals).toBeDefined();
  });
});
