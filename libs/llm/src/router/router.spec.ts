import { ProviderError } from '../core/provider-error';
import { InMemoryCircuitBreaker } from './circuit-breaker';
import {
  DeadlineExceededError,
  DeploymentNotFoundError,
  ModelNotFoundError,
  NoDeploymentAvailableError,
} from './router-errors';
import type { RouteFinishedEvent } from './router.types';
import { fail, hang } from './testing/fake-provider';
import { chatRequest, deploymentConfig, routingConfig } from './testing/fixtures';
import { routerHarness } from './testing/router-harness';

/** a, b, c serve "chat" in priority order; no retries unless a test sets them */
function threeDeployments(
  overrides: Partial<Record<'a' | 'b' | 'c', Parameters<typeof deploymentConfig>[1]>> = {},
) {
  return [
    deploymentConfig('a', { priority: 0, maxRetries: 0, ...overrides.a }),
    deploymentConfig('b', {
      priority: 1,
      maxRetries: 0,
      type: 'anthropic',
      models: [{ name: 'chat', model: 'claude-x' }],
      ...overrides.b,
    }),
    deploymentConfig('c', { priority: 2, maxRetries: 0, ...overrides.c }),
  ];
}

describe('LlmRouter.generate', () => {
  it('calls the primary with the vendor model id and reports where the answer came from', async () => {
    const h = routerHarness(threeDeployments({ a: { models: [{ name: 'chat', model: 'gpt-vendor' }] } }));
    const routed = await h.router.generate(chatRequest('chat'));
    expect(h.provider('a').calls[0].request.model).toBe('gpt-vendor');
    expect(routed).toMatchObject({
      deploymentId: 'a',
      provider: 'openai',
      model: 'chat',
      requestedModel: 'chat',
      vendorModel: 'gpt-vendor',
      response: { model: 'gpt-vendor', choices: [{ message: { content: 'hello' } }] },
      attempts: [
        { deploymentId: 'a', provider: 'openai', vendorModel: 'gpt-vendor', ok: true, latencyMs: 0 },
      ],
    });
    expect(h.health.started).toEqual(['a']);
    expect(h.health.finished).toEqual([{ deploymentId: 'a', outcome: { ok: true, latencyMs: 0 } }]);
    expect(h.health.inFlight('a')).toBe(0);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('throws ModelNotFoundError (404) for an unknown model', async () => {
    const h = routerHarness(threeDeployments());
    await expect(h.router.generate(chatRequest('nope'))).rejects.toMatchObject({
      constructor: ModelNotFoundError,
      status: 404,
      code: 'model_not_found',
    });
  });

  it('falls back in strategy order on retryable errors', async () => {
    const h = routerHarness(threeDeployments());
    h.provider('a').then(fail(500));
    h.provider('b').then(fail(503));
    const routed = await h.router.generate(chatRequest());
    expect(routed.deploymentId).toBe('c');
    expect(routed.attempts.map((a) => [a.deploymentId, a.ok, a.status, a.errorCode])).toEqual([
      ['a', false, 500, 'upstream_error'],
      ['b', false, 503, 'upstream_unavailable'],
      ['c', true, undefined, undefined],
    ]);
    expect(h.provider('b').calls[0].request.model).toBe('claude-x');
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('sends a non-retryable error straight back with the vendor message, without fallback', async () => {
    const h = routerHarness(threeDeployments());
    h.provider('a').then(fail(400, { message: "'messages' must not be empty" }));
    const error = await h.router.generate(chatRequest()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({
      status: 400,
      code: 'bad_request',
      message: "'messages' must not be empty",
      deploymentId: 'a',
    });
    expect((error as { attempts?: unknown[] }).attempts).toEqual([
      expect.objectContaining({ deploymentId: 'a', ok: false, status: 400, errorCode: 'bad_request' }),
    ]);
    expect(h.provider('b').calls).toHaveLength(0);
    expect(h.breaker.state('a')).toBe('closed');
  });

  describe('retries', () => {
    it('retries the same deployment with jittered exponential backoff', async () => {
      const h = routerHarness(threeDeployments({ a: { maxRetries: 2 } }), { random: () => 0.5 });
      h.provider('a').then(fail(500), fail(502));
      const routed = await h.router.generate(chatRequest());
      expect(routed.deploymentId).toBe('a');
      expect(h.provider('a').calls).toHaveLength(3);
      expect(h.clock.sleeps).toEqual([50, 100]); // 0.5 × 100·2^0, 0.5 × 100·2^1
    });

    it('waits at least Retry-After before retrying the same deployment', async () => {
      const h = routerHarness(threeDeployments({ a: { maxRetries: 1 } }), { random: () => 0.5 });
      h.provider('a').then(fail(429, { retryAfterMs: 1_500 }));
      const routed = await h.router.generate(chatRequest());
      expect(routed.attempts.map((a) => a.deploymentId)).toEqual(['a', 'a']);
      expect(h.clock.sleeps).toEqual([1_500]);
    });

    it('moves on to the next deployment when Retry-After outlasts the deadline', async () => {
      const h = routerHarness(threeDeployments({ a: { maxRetries: 3 } }));
      h.provider('a').then(fail(429, { retryAfterMs: 60_000 }));
      const routed = await h.router.generate(chatRequest(), { timeoutMs: 30_000 });
      expect(routed.attempts.map((a) => a.deploymentId)).toEqual(['a', 'b']);
      expect(h.clock.sleeps).toEqual([]);
    });

    it('caps attempts on one deployment at retry.maxAttempts', async () => {
      const h = routerHarness(threeDeployments({ a: { maxRetries: 10 } }), {
        routing: { retry: { maxAttempts: 2 } },
      });
      h.provider('a').always(fail(500));
      const routed = await h.router.generate(chatRequest());
      expect(routed.attempts.map((a) => a.deploymentId)).toEqual(['a', 'a', 'b']);
    });

    it('the retry budget caps retries against a failing primary while every request still succeeds', async () => {
      const deployments = [
        deploymentConfig('primary', { maxRetries: 3 }),
        deploymentConfig('secondary', { priority: 1, maxRetries: 3 }),
      ];
      const h = routerHarness(deployments, {
        routing: { retry: { maxAttempts: 4, baseDelayMs: 0, budgetRatio: 0.2, budgetMinPerSecond: 5 } },
        // keep the breaker out of it: this test is about the budget alone
        breaker: new InMemoryCircuitBreaker(
          routingConfig({ breaker: { failureThreshold: 1e9, minRequests: 1e9 } }).breaker,
        ),
      });
      h.provider('primary').always(fail(500));
      const served: string[] = [];
      for (let i = 0; i < 1_000; i++) {
        served.push((await h.router.generate(chatRequest())).deploymentId);
        h.clock.advanceSync(1); // 1,000 requests over one second
      }
      expect(served.every((id) => id === 'secondary')).toBe(true);
      const primaryRetries = h.provider('primary').calls.length - 1_000;
      expect(primaryRetries).toBeGreaterThan(0);
      expect(primaryRetries).toBeLessThanOrEqual(Math.max(5, 0.2 * 1_000));
      // fallbacks count as retries too, so under a dead primary only the per-second minimum is left
      // (without a budget: 3,000 retries)
      expect(primaryRetries).toBeLessThanOrEqual(5);
    });
  });

  describe('circuit breaker', () => {
    it('opens after N failures, skips the deployment while open, then lets one half-open trial close it', async () => {
      const h = routerHarness(threeDeployments(), {
        routing: { breaker: { failureThreshold: 3, cooldownMs: 10_000 } },
      });
      h.provider('a').then(fail(500), fail(500), fail(500));
      for (let i = 0; i < 3; i++) expect((await h.router.generate(chatRequest())).deploymentId).toBe('b');
      expect(h.breaker.state('a')).toBe('open');

      const whileOpen = await h.router.generate(chatRequest());
      expect(whileOpen.attempts.map((a) => a.deploymentId)).toEqual(['b']);
      expect(h.provider('a').calls).toHaveLength(3);

      await h.clock.advance(10_000);
      const trial = await h.router.generate(chatRequest());
      expect(trial.deploymentId).toBe('a');
      expect(h.breaker.state('a')).toBe('closed');
    });

    it('a failed half-open trial re-opens the breaker and falls back', async () => {
      const h = routerHarness(threeDeployments(), {
        routing: { breaker: { failureThreshold: 1, cooldownMs: 10_000 } },
      });
      h.provider('a').then(fail(500), fail(500));
      await h.router.generate(chatRequest());
      await h.clock.advance(10_000);
      const trial = await h.router.generate(chatRequest());
      expect(trial.attempts.map((a) => a.deploymentId)).toEqual(['a', 'b']);
      expect(h.breaker.state('a')).toBe('open');
    });

    it('gives 503 with the shortest cooldown left when every breaker is open', async () => {
      const h = routerHarness(threeDeployments().slice(0, 2), {
        routing: { breaker: { failureThreshold: 1, cooldownMs: 30_000 } },
      });
      h.provider('a').then(fail(500));
      h.provider('b').then(fail(500));
      await expect(h.router.generate(chatRequest(), { deploymentId: 'a' })).rejects.toBeInstanceOf(
        NoDeploymentAvailableError,
      );
      await h.clock.advance(5_000);
      await expect(h.router.generate(chatRequest(), { deploymentId: 'b' })).rejects.toBeInstanceOf(
        NoDeploymentAvailableError,
      );

      const error = await h.router.generate(chatRequest()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoDeploymentAvailableError);
      expect(error).toMatchObject({
        status: 503,
        code: 'no_deployment_available',
        retryAfterMs: 25_000,
        attempts: [],
      });
      expect(h.provider('a').calls).toHaveLength(1);
      expect(h.provider('b').calls).toHaveLength(1);
    });

    it('gives 503 carrying the attempts and the last upstream message when everything failed', async () => {
      const h = routerHarness(threeDeployments());
      for (const id of ['a', 'b', 'c']) h.provider(id).always(fail(502, { message: `${id} is down` }));
      const error = await h.router.generate(chatRequest()).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 503, lastErrorMessage: 'c is down' });
      expect((error as NoDeploymentAvailableError).attempts.map((a) => a.deploymentId)).toEqual([
        'a',
        'b',
        'c',
      ]);
      expect((error as Error).message).toContain('c is down');
    });
  });

  describe('capacity', () => {
    it('skips a deployment refused for capacity', async () => {
      const h = routerHarness(threeDeployments({ a: { rpm: 10 } }));
      h.capacity.refuse('a', 2_000);
      const routed = await h.router.generate(chatRequest());
      expect(routed.deploymentId).toBe('b');
      expect(h.provider('a').calls).toHaveLength(0);
    });

    it('gives 429 with the smallest retryAfterMs when every candidate is refused', async () => {
      const h = routerHarness(threeDeployments({ a: { rpm: 10 }, b: { tpm: 1_000 }, c: { rpm: 5 } }));
      h.capacity.refuse('a', 2_000).refuse('b', 500).refuse('c', 900);
      const error = await h.router.generate(chatRequest()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NoDeploymentAvailableError);
      expect(error).toMatchObject({ status: 429, code: 'rate_limited', retryAfterMs: 500, attempts: [] });
    });

    it('gives 429 when the candidates were refused for capacity or answered 429', async () => {
      const h = routerHarness(threeDeployments({ a: { rpm: 10 } }).slice(0, 2));
      h.capacity.refuse('a', 3_000);
      h.provider('b').always(fail(429, { retryAfterMs: 1_200 }));
      const error = await h.router.generate(chatRequest()).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 429, retryAfterMs: 1_200 });
    });

    it('reserves the token estimate and settles with real usage, only for limited deployments', async () => {
      const h = routerHarness(
        threeDeployments({ a: { tpm: 100_000, models: [{ name: 'chat', maxOutputTokens: 1_000 }] } }),
      );
      const prompt = 'x'.repeat(41); // ceil(41 / 4) = 11
      await h.router.generate(chatRequest('chat', { messages: [{ role: 'user', content: prompt }] }));
      await h.router.generate(
        chatRequest('chat', {
          messages: [{ role: 'user', content: [{ type: 'text', text: prompt }] }],
          max_tokens: 50,
        }),
      );
      expect(h.capacity.reserved).toEqual([
        { deploymentId: 'a', estimatedTokens: 11 + 1_000 },
        { deploymentId: 'a', estimatedTokens: 11 + 50 },
      ]);
      expect(h.capacity.settled.map((s) => s.actualTokens)).toEqual([42, 42]);

      const unlimited = routerHarness(threeDeployments());
      await unlimited.router.generate(chatRequest());
      expect(unlimited.capacity.reserved).toEqual([]);
    });

    it('estimates 256 output tokens when neither the request nor the model says', async () => {
      const h = routerHarness(threeDeployments({ a: { rpm: 1 } }));
      await h.router.generate(chatRequest('chat', { messages: [{ role: 'user', content: 'abcd' }] }));
      expect(h.capacity.reserved[0].estimatedTokens).toBe(1 + 256);
    });

    it('gives back the reservation when the vendor refused', async () => {
      const h = routerHarness(threeDeployments({ a: { rpm: 10 } }));
      h.provider('a').then(fail(503));
      await h.router.generate(chatRequest());
      expect(h.capacity.settled).toEqual([{ deploymentId: 'a', estimatedTokens: 3 + 256, actualTokens: 0 }]); // 'Say hello': ceil(9 / 4)
    });
  });

  describe('pinning and fallback=false', () => {
    it('uses only the pinned deployment', async () => {
      const h = routerHarness(threeDeployments());
      expect((await h.router.generate(chatRequest(), { deploymentId: 'c' })).deploymentId).toBe('c');
      h.provider('c').then(fail(500));
      await expect(h.router.generate(chatRequest(), { deploymentId: 'c' })).rejects.toMatchObject({
        status: 503,
      });
      expect(h.provider('a').calls).toHaveLength(0);
      expect(h.provider('b').calls).toHaveLength(0);
    });

    it('rejects an unknown pinned deployment and one that does not serve the model', async () => {
      const h = routerHarness([
        ...threeDeployments(),
        deploymentConfig('other', { models: [{ name: 'other-model' }] }),
      ]);
      await expect(h.router.generate(chatRequest(), { deploymentId: 'ghost' })).rejects.toThrow(
        DeploymentNotFoundError,
      );
      await expect(h.router.generate(chatRequest(), { deploymentId: 'ghost' })).rejects.toThrow(
        'deployment "ghost" does not exist or is disabled',
      );
      await expect(h.router.generate(chatRequest(), { deploymentId: 'other' })).rejects.toThrow(
        'deployment "other" does not serve model "chat"',
      );
    });

    it('fallback=false keeps to the primary but still retries it', async () => {
      const h = routerHarness(threeDeployments({ a: { maxRetries: 1 } }));
      h.provider('a').always(fail(500));
      const error = await h.router.generate(chatRequest(), { fallback: false }).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 503 });
      expect(h.provider('a').calls).toHaveLength(2);
      expect(h.provider('b').calls).toHaveLength(0);
    });
  });

  describe('timeouts and cancellation', () => {
    it('times out an attempt after deployment.timeoutMs and falls back', async () => {
      const h = routerHarness(threeDeployments({ a: { timeoutMs: 1_000 } }));
      h.provider('a').then(hang());
      const pending = h.router.generate(chatRequest());
      await h.clock.advance(999);
      expect(h.provider('b').calls).toHaveLength(0);
      await h.clock.advance(1);
      const routed = await pending;
      expect(routed.deploymentId).toBe('b');
      expect(routed.attempts[0]).toMatchObject({
        deploymentId: 'a',
        ok: false,
        errorCode: 'timeout',
        status: 504,
        latencyMs: 1_000,
      });
      expect(h.provider('a').lastSignal?.aborted).toBe(true);
      expect(h.clock.pendingTimers).toBe(0);
    });

    it('times out even a provider that ignores its signal', async () => {
      const h = routerHarness(threeDeployments({ a: { timeoutMs: 1_000 } }));
      h.provider('a').then(hang(true));
      const pending = h.router.generate(chatRequest());
      await h.clock.advance(1_000);
      expect((await pending).deploymentId).toBe('b');
    });

    it('stops at the overall deadline with 504, without blaming the deployment', async () => {
      const h = routerHarness(threeDeployments({ a: { timeoutMs: 10_000 } }), {
        routing: { breaker: { failureThreshold: 1 } },
      });
      h.provider('a').then(hang());
      const pending = h.router.generate(chatRequest(), { timeoutMs: 2_500 }).catch((e: unknown) => e);
      await h.clock.advance(2_500);
      const error = await pending;
      expect(error).toBeInstanceOf(DeadlineExceededError);
      expect(error).toMatchObject({
        status: 504,
        code: 'deadline_exceeded',
        attempts: [{ deploymentId: 'a', errorCode: 'timeout' }],
      });
      expect(h.provider('a').lastSignal?.aborted).toBe(true);
      expect(h.provider('b').calls).toHaveLength(0);
      expect(h.breaker.state('a')).toBe('closed');
      expect(h.clock.pendingTimers).toBe(0);
    });

    it('uses routing.requestTimeoutMs as the default deadline', async () => {
      const h = routerHarness(threeDeployments(), { routing: { requestTimeoutMs: 5_000 } });
      h.provider('a').then(hang());
      const pending = h.router.generate(chatRequest()).catch((e: unknown) => e);
      await h.clock.advance(5_000);
      expect(await pending).toBeInstanceOf(DeadlineExceededError);
    });

    it('on caller abort stops at once: aborts the provider, no retry, no fallback', async () => {
      const h = routerHarness(threeDeployments({ a: { maxRetries: 3 } }));
      h.provider('a').then(hang());
      const controller = new AbortController();
      const pending = h.router
        .generate(chatRequest(), { signal: controller.signal })
        .catch((e: unknown) => e);
      await h.clock.advance(10);
      controller.abort();
      const error = await pending;
      expect(error).toBeInstanceOf(ProviderError);
      expect(error).toMatchObject({ code: 'aborted', status: 499, retryable: false });
      expect(h.provider('a').lastSignal?.aborted).toBe(true);
      expect(h.provider('a').calls).toHaveLength(1);
      expect(h.provider('b').calls).toHaveLength(0);
      expect(h.clock.sleeps).toEqual([]);
      expect(h.clock.pendingTimers).toBe(0);
    });

    it('does not call any provider when the caller already aborted', async () => {
      const h = routerHarness(threeDeployments());
      await expect(h.router.generate(chatRequest(), { signal: AbortSignal.abort() })).rejects.toMatchObject({
        code: 'aborted',
      });
      expect(h.provider('a').calls).toHaveLength(0);
    });
  });

  describe('listeners', () => {
    it('reports each attempt and the end of the request, and survives a throwing listener', async () => {
      const h = routerHarness(threeDeployments());
      const attempts: string[] = [];
      const finished: RouteFinishedEvent[] = [];
      h.router.addListener({
        onAttempt: () => {
          throw new Error('analytics down');
        },
      });
      const unsubscribe = h.router.addListener({
        onAttempt: (record, model) => attempts.push(`${model}:${record.deploymentId}:${record.ok}`),
        onFinished: (event) => finished.push(event),
      });
      h.provider('a').then(fail(500));
      await h.router.generate(chatRequest());
      expect(attempts).toEqual(['chat:a:false', 'chat:b:true']);
      expect(finished).toEqual([
        expect.objectContaining({
          outcome: 'ok',
          stream: false,
          deploymentId: 'b',
          provider: 'anthropic',
          usage: expect.objectContaining({ total_tokens: 42 }),
        }),
      ]);

      unsubscribe();
      await h.router.generate(chatRequest());
      expect(finished).toHaveLength(1);
    });

    it('reports failed requests', async () => {
      const h = routerHarness(threeDeployments());
      const finished: RouteFinishedEvent[] = [];
      h.router.addListener({ onFinished: (event) => finished.push(event) });
      h.provider('a').then(fail(401));
      await h.router.generate(chatRequest()).catch(() => undefined);
      expect(finished).toEqual([
        expect.objectContaining({ outcome: 'error', error: expect.any(ProviderError) }),
      ]);
    });
  });

  it('uses the group strategy for group aliases and serves from the group members', async () => {
    const h = routerHarness(
      [
        deploymentConfig('x', { models: [{ name: 'small' }] }),
        deploymentConfig('y', { models: [{ name: 'large' }] }),
      ],
      { routing: { groups: [{ name: 'auto', strategy: 'round-robin', models: ['small', 'large'] }] } },
    );
    const served = [];
    for (let i = 0; i < 4; i++) served.push(await h.router.generate(chatRequest('auto')));
    expect(served.map((s) => `${s.deploymentId}:${s.model}:${s.requestedModel}`)).toEqual([
      'x:small:auto',
      'y:large:auto',
      'x:small:auto',
      'y:large:auto',
    ]);
  });
});
