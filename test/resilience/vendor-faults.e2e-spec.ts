import { signTestAccessToken } from '../support/auth';
import { FakeVendorServer, type FakeBehaviour } from '../support/fake-vendors';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { errorFormatProblems, answerOf } from './support/error-format';
import { parseJson, send, streamChat, type Exchange } from './support/gateway-client';
import { gatewayEnv, killAll, spawnApi, type ApiProcess } from './support/gateway-processes';
import { countBy, sleep, SteadyTraffic, summarize, waitFor, type Probe } from './support/traffic';

jest.setTimeout(90_000);

/** Served by a flaky OpenAI deployment first (priority 0), then a steady Anthropic one. */
const STEADY_MODEL = 'steady-model';
/** Served by an Azure deployment allowed 20 requests a minute, then the steady Anthropic one. */
const CAPPED_MODEL = 'capped-model';
/** Served only by the flaky deployment: when it is down, nothing is healthy for this model. */
const LONELY_MODEL = 'lonely-model';
const FLAKY_TIMEOUT_MS = 400;
const BREAKER_COOLDOWN_MS = 1_500;

interface DeploymentView {
  id: string;
  limits: { rpm: number | null };
  remaining: { requests: number | null };
  health: { state: string; breaker: string; requests: number; errorRate: number };
}

/**
 * A vendor that answers 429, 5xx, times out or resets for a while, as real processes see it: the api runs
 * as its own process (dist), the vendors are the fake vendor server, traffic flows at a steady rate.
 */
describe('resilience: vendor faults under steady traffic', () => {
  let fake: FakeVendorServer;
  let databaseUrl: string;
  let api: ApiProcess;
  const token = signTestAccessToken({ limits: { rpm: 0, tpm: 0, tpd: 0 } });
  const adminToken = signTestAccessToken({ role: 'admin', limits: { rpm: 0, tpm: 0, tpd: 0 } });

  beforeAll(async () => {
    fake = await FakeVendorServer.start();
    databaseUrl = await createTestDatabase();
    api = await spawnApi(
      gatewayEnv({
        databaseUrl,
        redisUrl: testRedisUrl(),
        keyPrefix: uniquePrefix('faults'),
        env: { LOG_LEVEL: 'info' },
        sections: {
          providers: [
            {
              id: 'flaky-openai',
              type: 'openai',
              apiKey: 'sk-flaky',
              baseUrl: `${fake.url}/v1`,
              models: [{ name: STEADY_MODEL }, { name: LONELY_MODEL }],
              priority: 0,
              maxRetries: 1,
              timeoutMs: FLAKY_TIMEOUT_MS,
            },
            {
              id: 'capped-azure',
              type: 'azure',
              apiKey: 'az-capped',
              endpoint: fake.url,
              apiVersion: '2024-10-21',
              models: [{ name: CAPPED_MODEL, model: 'capped-prod' }],
              priority: 0,
              rpm: 20,
              maxRetries: 0,
              timeoutMs: 5_000,
            },
            {
              id: 'steady-anthropic',
              type: 'anthropic',
              apiKey: 'sk-ant-steady',
              baseUrl: fake.url,
              models: [
                { name: STEADY_MODEL, model: 'claude-steady' },
                { name: CAPPED_MODEL, model: 'claude-steady' },
              ],
              priority: 1,
              maxRetries: 0,
              timeoutMs: 5_000,
            },
          ],
          routing: {
            retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 50 },
            breaker: {
              failureThreshold: 5,
              cooldownMs: BREAKER_COOLDOWN_MS,
              minRequests: 10,
              windowMs: 10_000,
            },
            requestTimeoutMs: 10_000,
          },
          cache: { enabled: false },
        },
      }),
    );
  });

  afterAll(async () => {
    if (api) await killAll([api.proc]);
    await fake?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function providers(): Promise<Map<string, DeploymentView>> {
    const res = await send(api.url, 'GET', '/providers', { token: adminToken });
    expect(res.status).toBe(200);
    const body = parseJson<{ deployments: DeploymentView[] }[]>(res);
    return new Map(body.flatMap((p) => p.deployments).map((d) => [d.id, d]));
  }

  /** One chat call as the traffic sees it: JSON or a whole stream, ok only when fully answered. */
  async function chatProbe(model: string, i: number, stream: boolean): Promise<Probe> {
    const body = { model, messages: [{ role: 'user', content: `fault-${i}` }], max_tokens: 32 };
    if (stream) {
      const outcome = await streamChat(api.url, token, body);
      return {
        ok: outcome.ending === 'done',
        status: outcome.status,
        detail: outcome.errorEvent?.error.code ?? outcome.ending,
        deployment: outcome.headers.get('x-gateway-deployment') ?? undefined,
      };
    }
    const res = await send(api.url, 'POST', '/v1/chat/completions', { token, body });
    const ok = res.status === 200 && parseJson<{ choices: unknown[] }>(res).choices.length === 1;
    return {
      ok,
      status: res.status,
      detail: ok ? undefined : (safeCode(res.text) ?? res.text.slice(0, 80)),
      deployment: res.headers.get('x-gateway-deployment') ?? undefined,
    };
  }

  it('keeps ≥ 99.9 % of requests succeeding while the primary deployment fails in every way, and shows its breaker in /providers', async () => {
    // 429 → 5xx → timeouts and resets → healthy again, each for a few seconds, while 40 requests/s flow.
    const phases: { name: string; untilMs: number; behaviours: FakeBehaviour[] }[] = [
      { name: 'healthy', untilMs: 2_000, behaviours: [{ kind: 'ok' }] },
      { name: '429', untilMs: 5_000, behaviours: [{ kind: 'status', status: 429, retryAfter: '1' }] },
      {
        name: '5xx',
        untilMs: 8_000,
        behaviours: [
          { kind: 'status', status: 500 },
          { kind: 'status', status: 503 },
          { kind: 'status', status: 502 },
        ],
      },
      {
        name: 'timeouts+resets',
        untilMs: 11_000,
        behaviours: [{ kind: 'delay', ms: FLAKY_TIMEOUT_MS * 5 }, { kind: 'reset' }],
      },
      { name: 'recovered', untilMs: 15_000, behaviours: [{ kind: 'ok' }] },
    ];
    const faultEndsAtMs = phases[3].untilMs;
    const traffic = new SteadyTraffic({
      ratePerSecond: 40,
      durationMs: phases.at(-1)!.untilMs,
      request: (i) => ({
        kind: i % 3 === 0 ? 'stream' : 'json',
        send: () => chatProbe(STEADY_MODEL, i, i % 3 === 0),
      }),
    });
    // The fault schedule: the primary's behaviour changes every 150 ms within the phase's repertoire.
    const breakerSeen: { atMs: number; breaker: string; state: string }[] = [];
    // In the middle of the 5xx phase: a model nothing healthy serves gets a quick, well-formed error.
    const lonelyProbes = (async () => {
      const answers: Exchange[] = [];
      await sleep(6_000 - traffic.elapsedMs());
      for (let i = 0; i < 3; i++) {
        answers.push(
          await send(api.url, 'POST', '/v1/chat/completions', {
            token,
            body: { model: LONELY_MODEL, messages: [{ role: 'user', content: 'alone' }] },
            timeoutMs: 5_000,
          }),
        );
      }
      return answers;
    })();
    // What /providers says about the primary, sampled apart from the schedule (a slow answer must not
    // hold the faults back).
    const poller = (async () => {
      while (traffic.elapsedMs() < phases.at(-1)!.untilMs) {
        const flaky = (await providers()).get('flaky-openai')!;
        breakerSeen.push({
          atMs: traffic.elapsedMs(),
          breaker: flaky.health.breaker,
          state: flaky.health.state,
        });
        await sleep(300);
      }
    })();
    let tick = 0;
    while (traffic.elapsedMs() < phases.at(-1)!.untilMs) {
      const now = traffic.elapsedMs();
      const phase = phases.find((p) => now < p.untilMs) ?? phases.at(-1)!;
      fake.setDefault('openai', phase.behaviours[tick++ % phase.behaviours.length]);
      await sleep(150);
    }
    await poller;
    const outcomes = await traffic.finished();
    const lonely = await lonelyProbes;
    const summary = summarize(outcomes);
    const byPhase = phases.map((phase, index) => {
      const from = index === 0 ? 0 : phases[index - 1].untilMs;
      const inPhase = outcomes.filter((o) => o.at >= from && o.at < phase.untilMs);
      return { phase: phase.name, requests: inPhase.length, servedBy: countBy(inPhase, (o) => o.deployment) };
    });
    const recoveredAt = outcomes
      .filter((o) => o.at >= faultEndsAtMs && o.deployment === 'flaky-openai')
      .map((o) => o.at)
      .sort((a, b) => a - b)[0];
    console.log(
      'vendor faults:',
      JSON.stringify({
        ...summary,
        byPhase,
        breakerTimeline: compressTimeline(breakerSeen),
        primaryBackAfterMs: recoveredAt === undefined ? null : recoveredAt - faultEndsAtMs,
        lonely: lonely.map((r) => `${r.status} ${safeCode(r.text)}`),
      }),
    );

    expect(summary.failures).toEqual({});
    expect(summary.successRate).toBeGreaterThanOrEqual(0.999);
    expect(summary.requests).toBeGreaterThan(500);
    // The breaker opened during the faults and /providers said so; traffic went to the backup meanwhile.
    expect(breakerSeen.some((s) => s.breaker === 'open' && s.atMs > 2_000 && s.atMs < faultEndsAtMs)).toBe(
      true,
    );
    expect(byPhase[2].servedBy['steady-anthropic']).toBeGreaterThan(byPhase[2].requests * 0.9);
    // After the faults the primary takes traffic again within the breaker cool-down (plus a half-open probe).
    expect(recoveredAt).toBeDefined();
    expect(recoveredAt! - faultEndsAtMs).toBeLessThan(BREAKER_COOLDOWN_MS + 1_500);
    const finalState = await waitFor(
      async () => {
        const flaky = (await providers()).get('flaky-openai')!;
        return flaky.health.breaker === 'closed' ? flaky : undefined;
      },
      5_000,
      'the breaker to close again',
    );
    expect(finalState.health.breaker).toBe('closed');
    // A model nothing healthy serves fails fast and well-formed.
    for (const res of lonely) {
      expect([429, 502, 503, 504]).toContain(res.status);
      expect(errorFormatProblems(answerOf(res))).toEqual([]);
    }
  });

  it('spills over a deployment’s rpm capacity to the next one without an error, and /providers shows the limit reached', async () => {
    fake.reset();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => chatProbe(CAPPED_MODEL, i, i % 4 === 0)),
    );
    const servedBy = countBy(results, (r) => r.deployment);
    console.log('capacity spill-over:', JSON.stringify(servedBy));
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(servedBy['capped-azure']).toBe(20);
    expect(servedBy['steady-anthropic']).toBe(20);
    const capped = (await providers()).get('capped-azure')!;
    expect(capped.limits.rpm).toBe(20);
    expect(capped.remaining.requests).toBe(0);
    expect(capped.health.breaker).toBe('closed');
    // The refusals were ours (capacity), not the vendor's: it saw exactly 20 calls.
    expect(fake.callsFor('azure')).toHaveLength(20);
  });
});

function safeCode(text: string): string | undefined {
  try {
    return (JSON.parse(text) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

/** Breaker/state samples with repeats dropped: "0ms closed/healthy, 2400ms open/cooling, ...". */
function compressTimeline(samples: { atMs: number; breaker: string; state: string }[]): string[] {
  const out: string[] = [];
  let last = '';
  for (const s of samples) {
    const label = `${s.breaker}/${s.state}`;
    if (label !== last) out.push(`${s.atMs}ms ${label}`);
    last = label;
  }
  return out;
}
