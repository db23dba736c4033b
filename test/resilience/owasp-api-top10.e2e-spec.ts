import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { createHmac, randomUUID } from 'node:crypto';
import { MODELS } from '../chat/support/chat-testbed';
import { startApi } from '../support/api-harness';
import { signTestAccessToken } from '../support/auth';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { TEST_JWT_SECRET, testConfig } from '../support/test-config';
import { answerOf, errorFormatProblems } from './support/error-format';
import { parseJson, rawRequest, readStream, send, type Exchange } from './support/gateway-client';
import {
  BODY_LIMIT_BYTES,
  BOOTSTRAP_ADMIN,
  startHostileBed,
  type Caller,
  type HostileBed,
} from './support/hostile-bed';

jest.setTimeout(60_000);

const chat = (content = 'hi', model: string = MODELS.openai): Record<string, unknown> => ({
  model,
  messages: [{ role: 'user', content }],
});
const chatTask = (content = 'task'): Record<string, unknown> => ({ type: 'chat', input: chat(content) });

/** An error answer: this status, in the one error format, with this code. */
function expectError(res: Exchange, status: number, code?: string): void {
  expect({ status: res.status, problems: errorFormatProblems(answerOf(res)) }).toEqual({
    status,
    problems: [],
  });
  if (code) expect(parseJson<{ error: { code: string } }>(res).error.code).toBe(code);
}

const b64 = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
function craftJwt(payload: Record<string, unknown>, secret = TEST_JWT_SECRET, alg = 'HS256'): string {
  const body = `${b64({ alg, typ: 'JWT', kid: 'k1' })}.${b64(payload)}`;
  if (alg === 'none') return `${body}.`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/**
 * The OWASP API Security Top 10 (2023), one named test per item, against the real api (in this process,
 * over HTTP) with real users, sessions and API keys.
 */
describe('resilience: OWASP API Security Top 10 (2023)', () => {
  let bed: HostileBed;
  let alice: Caller;
  let bob: Caller;

  beforeAll(async () => {
    bed = await startHostileBed({
      tasks: { batchMaxItems: 50 },
      auth: {
        apiKeyCacheTtlMs: 0,
        loginLockout: { accountThreshold: 3, ipThreshold: 1_000, baseDelayMs: 60_000 },
      },
    });
    [alice, bob] = [await bed.newUser('alice'), await bed.newUser('bob')];
  });

  afterAll(() => bed?.close());

  async function signIn(email: string, password: string): Promise<Exchange> {
    return send(bed.url, 'POST', '/auth/token', { body: { email, password } });
  }

  async function apiKeyOf(token: string, scopes: string[]): Promise<{ id: string; key: string }> {
    const res = await send(bed.url, 'POST', '/api-keys', {
      token,
      body: { name: `k-${randomUUID()}`, scopes },
    });
    expect(res.status).toBe(201);
    return parseJson(res);
  }

  it("API1 Broken Object Level Authorization: another user's tasks and API keys are 404, never listed", async () => {
    const task = await send(bed.url, 'POST', '/tasks', { token: alice.token, body: chatTask('alice only') });
    expect(task.status).toBe(201);
    const taskId = parseJson<{ id: string }>(task).id;
    const key = await apiKeyOf(alice.token, ['chat']);

    expectError(await send(bed.url, 'GET', `/tasks/${taskId}`, { token: bob.token }), 404, 'not_found');
    expectError(await send(bed.url, 'DELETE', `/tasks/${taskId}`, { token: bob.token }), 404, 'not_found');
    expectError(
      await send(bed.url, 'GET', `/tasks/${taskId}/events`, { token: bob.token }),
      404,
      'not_found',
    );
    expectError(await send(bed.url, 'DELETE', `/api-keys/${key.id}`, { token: bob.token }), 404, 'not_found');
    const bobsTasks = parseJson<{ data: { id: string }[] }>(
      await send(bed.url, 'GET', '/tasks', { token: bob.token }),
    );
    expect(bobsTasks.data.map((t) => t.id)).not.toContain(taskId);
    const bobsKeys = parseJson<{ id: string }[]>(
      await send(bed.url, 'GET', '/api-keys', { token: bob.token }),
    );
    expect(bobsKeys.map((k) => k.id)).not.toContain(key.id);
    // Asking for alice's keys by id in the query does not widen bob's view.
    const byQuery = await send(bed.url, 'GET', `/api-keys?userId=${alice.id}`, { token: bob.token });
    if (byQuery.status === 200)
      expect(parseJson<{ userId: string }[]>(byQuery).every((k) => k.userId === bob.id)).toBe(true);
    else expect([403, 404]).toContain(byQuery.status);
    // The owner still sees both: the 404s above were about bob, not about the objects.
    expect((await send(bed.url, 'GET', `/tasks/${taskId}`, { token: alice.token })).status).toBe(200);
  });

  it('API2 Broken Authentication: forged, unsigned, expired and tampered tokens, lockout, refresh reuse, revoked keys', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      sub: alice.id,
      typ: 'access',
      role: 'admin',
      sid: randomUUID(),
      iss: 'manus-platform-backend',
      aud: 'manus-platform',
      iat: now,
      exp: now + 600,
    };
    for (const token of [
      craftJwt(claims, 'another-secret-0123456789-abcdefghijkl'),
      craftJwt(claims, TEST_JWT_SECRET, 'none'),
      craftJwt({ ...claims, iat: now - 7_200, exp: now - 3_600 }),
      `${alice.token.split('.')[0]}.${b64(claims)}.${alice.token.split('.')[2]}`,
      'mpb_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
    ]) {
      const res = await send(bed.url, 'GET', '/users', { token });
      expectError(res, 401, 'unauthorized');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    // Credentials count only in the Authorization header.
    expectError(await send(bed.url, 'GET', `/auth/me?access_token=${alice.token}`), 401, 'unauthorized');

    // Lockout: after 3 wrong passwords even the right one is refused for a while.
    const victim = await bed.newUser('victim');
    for (let i = 0; i < 3; i++) expectError(await signIn(victim.email, 'Wrong-password-000'), 401);
    const locked = await signIn(victim.email, victim.password);
    expectError(locked, 429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);

    // Refresh token reuse revokes the session: the rotated token dies with it.
    const first = parseJson<{ refreshToken: string }>(
      await signIn(BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password),
    );
    const rotated = await send(bed.url, 'POST', '/auth/refresh', {
      body: { refreshToken: first.refreshToken },
    });
    expect(rotated.status).toBe(200);
    expectError(
      await send(bed.url, 'POST', '/auth/refresh', { body: { refreshToken: first.refreshToken } }),
      401,
    );
    const stolen = parseJson<{ refreshToken: string }>(rotated).refreshToken;
    expectError(await send(bed.url, 'POST', '/auth/refresh', { body: { refreshToken: stolen } }), 401);

    // A revoked API key stops working (cache TTL 0 here; in production within auth.apiKeyCacheTtlMs).
    const key = await apiKeyOf(bob.token, ['chat']);
    expect((await send(bed.url, 'GET', '/auth/me', { token: key.key })).status).toBe(200);
    expect((await send(bed.url, 'DELETE', `/api-keys/${key.id}`, { token: bob.token })).status).toBe(204);
    expectError(await send(bed.url, 'GET', '/auth/me', { token: key.key }), 401, 'unauthorized');
  });

  it('API3 Broken Object Property Level Authorization: mass assignment refused, no secret fields in answers', async () => {
    for (const body of [
      { email: 'mass@example.com', password: 'Mass-assign-pass-1', id: randomUUID() },
      { email: 'mass@example.com', password: 'Mass-assign-pass-1', passwordHash: 'scrypt$x' },
      { email: 'mass@example.com', password: 'Mass-assign-pass-1', createdAt: '2000-01-01' },
    ]) {
      expectError(
        await send(bed.url, 'POST', '/users', { token: bed.adminToken, body }),
        400,
        'validation_failed',
      );
    }
    expectError(
      await send(bed.url, 'PATCH', `/users/${bob.id}`, {
        token: bed.adminToken,
        body: { passwordHash: 'x', email: 'e@x.y' },
      }),
      400,
      'validation_failed',
    );
    // A user may not create a key for someone else, nor give a key limits, nor escalate through the body.
    expectError(
      await send(bed.url, 'POST', '/api-keys', {
        token: bob.token,
        body: { name: 'x', scopes: ['chat'], userId: alice.id },
      }),
      403,
    );
    expectError(
      await send(bed.url, 'POST', '/api-keys', {
        token: bob.token,
        body: { name: 'x', scopes: ['chat'], limits: { rpm: 1_000_000 } },
      }),
      403,
    );
    for (const extra of [
      { ownerId: alice.id },
      { status: 'succeeded' },
      { result: {} },
      { attempts: 0 },
      { role: 'admin' },
    ]) {
      expectError(
        await send(bed.url, 'POST', '/tasks', { token: bob.token, body: { ...chatTask(), ...extra } }),
        400,
        'validation_failed',
      );
    }
    expectError(
      await send(bed.url, 'POST', '/auth/token', {
        body: { email: bob.email, password: bob.password, role: 'admin' },
      }),
      400,
    );

    // Answers never carry hashes, secrets or credentials.
    const key = await apiKeyOf(bob.token, ['chat', 'tasks']);
    const hook = await send(bed.url, 'POST', '/tasks', {
      token: bob.token,
      body: { ...chatTask(), webhookUrl: 'https://93.184.215.14/hook' },
    });
    expect(hook.status).toBe(201);
    const { id: taskId, webhookSecret } = parseJson<{ id: string; webhookSecret: string }>(hook);
    const answers = [
      await send(bed.url, 'GET', '/users', { token: bed.adminToken }),
      await send(bed.url, 'GET', '/api-keys', { token: bob.token }),
      await send(bed.url, 'GET', '/auth/me', { token: key.key }),
      await send(bed.url, 'GET', `/tasks/${taskId}`, { token: bob.token }),
      await send(bed.url, 'GET', '/tasks', { token: bob.token }),
      await send(bed.url, 'GET', '/providers', { token: bed.adminToken }),
    ];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.text).not.toMatch(
        /scrypt\$|password|passwordHash|keyHash|key_hash|tokenHash|secretAccessKey|apiKey"/i,
      );
      expect(res.text).not.toContain(key.key);
      expect(res.text).not.toContain(webhookSecret);
      for (const credential of ['sk-test-openai', 'az-test-key', 'sk-ant-test', 'fake-secret'])
        expect(res.text).not.toContain(credential);
    }
  });

  it('API4 Unrestricted Resource Consumption: body size, max_tokens, batch/chain/message caps, page size, rate and token limits', async () => {
    const oversized = await send(bed.url, 'POST', '/v1/chat/completions', {
      token: alice.token,
      body: chat('x'.repeat(BODY_LIMIT_BYTES)),
    });
    expectError(oversized, 413, 'payload_too_large');
    const overOutput = await send(bed.url, 'POST', '/v1/chat/completions', {
      token: alice.token,
      body: { ...chat('hi', MODELS.anthropic), max_tokens: 1_025 },
    });
    expectError(overOutput, 400, 'validation_failed');
    expect(parseJson<{ error: { param: string } }>(overOutput).error.param).toBe('max_tokens');
    const tooManyMessages = {
      model: MODELS.openai,
      messages: Array.from({ length: 2_049 }, () => ({ role: 'user', content: 'x' })),
    };
    expectError(
      await send(bed.url, 'POST', '/v1/chat/completions', { token: alice.token, body: tooManyMessages }),
      400,
    );
    const batch = (n: number, concurrency = 1): Record<string, unknown> => ({
      type: 'batch',
      input: { requests: Array.from({ length: n }, () => chat()), concurrency },
    });
    expectError(
      await send(bed.url, 'POST', '/tasks', { token: alice.token, body: batch(51) }),
      400,
      'validation_failed',
    );
    expectError(
      await send(bed.url, 'POST', '/tasks', { token: alice.token, body: batch(2, 99) }),
      400,
      'validation_failed',
    );
    const chain = {
      type: 'chain',
      input: { model: MODELS.openai, steps: Array.from({ length: 21 }, () => ({ prompt: 'x' })) },
    };
    expectError(
      await send(bed.url, 'POST', '/tasks', { token: alice.token, body: chain }),
      400,
      'validation_failed',
    );
    expectError(
      await send(bed.url, 'GET', '/tasks?limit=10000', { token: alice.token }),
      400,
      'validation_failed',
    );

    // Requests per minute: the 4th call of a caller allowed 3 is a 429 with the limit headers.
    const limited = signTestAccessToken({ userId: alice.id, limits: { rpm: 3, tpm: 0, tpd: 0 } });
    const answers: Exchange[] = [];
    for (let i = 0; i < 4; i++) answers.push(await send(bed.url, 'GET', '/v1/models', { token: limited }));
    expect(answers.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
    expectError(answers[3], 429, 'rate_limited');
    expect(answers[3].headers.get('retry-after')).toMatch(/^\d+$/);
    expect(answers[3].headers.get('ratelimit-limit')).toBe('3');
    // Tokens per minute: once the budget is spent, chat is refused before any vendor call.
    const frugal = signTestAccessToken({ userId: bob.id, limits: { rpm: 0, tpm: 30, tpd: 0 } });
    const spent: number[] = [];
    for (let i = 0; i < 5; i++)
      spent.push(
        (await send(bed.url, 'POST', '/v1/chat/completions', { token: frugal, body: chat('x'.repeat(80)) }))
          .status,
      );
    expect(spent).toContain(429);
  });

  it('API5 Broken Function Level Authorization: admin functions are 403 for users and for keys without the scope', async () => {
    const adminRoutes: [string, string, unknown?][] = [
      ['GET', '/users'],
      ['POST', '/users', { email: 'new@example.com', password: 'New-user-password-1' }],
      ['PATCH', `/users/${bob.id}`, { role: 'admin' }],
      ['GET', '/providers'],
      ['GET', '/providers/openai-main/status'],
      ['GET', '/metrics'],
      ['GET', '/analytics/usage'],
      ['GET', '/analytics/performance'],
    ];
    for (const [method, path, body] of adminRoutes) {
      expectError(await send(bed.url, method, path, { token: bob.token, body }), 403, 'forbidden');
    }
    // Bob cannot make himself admin.
    expectError(
      await send(bed.url, 'PATCH', `/users/${bob.id}`, { token: bob.token, body: { role: 'admin' } }),
      403,
    );
    // An admin's API key: no user management (sessions only), no analytics without analytics:read.
    const adminSession = parseJson<{ accessToken: string }>(
      await signIn(BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password),
    );
    const adminKey = await apiKeyOf(adminSession.accessToken, ['chat']);
    expectError(await send(bed.url, 'GET', '/users', { token: adminKey.key }), 403);
    expectError(await send(bed.url, 'GET', '/analytics/usage', { token: adminKey.key }), 403);
    expectError(
      await send(bed.url, 'POST', '/api-keys', {
        token: adminKey.key,
        body: { name: 'k', scopes: ['chat'] },
      }),
      403,
    );
    // Scopes hold for users' keys too.
    const chatOnly = await apiKeyOf(bob.token, ['chat']);
    const tasksOnly = await apiKeyOf(bob.token, ['tasks']);
    expectError(await send(bed.url, 'POST', '/tasks', { token: chatOnly.key, body: chatTask() }), 403);
    expectError(
      await send(bed.url, 'POST', '/v1/chat/completions', { token: tasksOnly.key, body: chat() }),
      403,
    );
  });

  it('API6 Unrestricted Access to Sensitive Business Flows: retried task creation runs once; sign-in guessing is throttled (API2)', async () => {
    const body = chatTask('charge me once');
    const replies = await Promise.all(
      Array.from({ length: 8 }, () =>
        send(bed.url, 'POST', '/tasks', {
          token: alice.token,
          body,
          headers: { 'idempotency-key': 'flow-1' },
        }),
      ),
    );
    const ids = new Set(replies.map((r) => parseJson<{ id: string }>(r).id));
    expect(ids.size).toBe(1);
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expectError(
      await send(bed.url, 'POST', '/tasks', {
        token: alice.token,
        body: chatTask('something else'),
        headers: { 'idempotency-key': 'flow-1' },
      }),
      409,
      'idempotency_key_reused',
    );
  });

  it('API7 Server Side Request Forgery: webhook targets are vetted; callers cannot point the gateway at a URL', async () => {
    for (const webhookUrl of [
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:6379/',
      'http://[::ffff:127.0.0.1]/',
      'http://10.1.2.3/',
      'file:///etc/passwd',
    ]) {
      const res = await send(bed.url, 'POST', '/tasks', {
        token: alice.token,
        body: { ...chatTask(), webhookUrl },
      });
      expectError(res, 400);
      expect(res.text).toMatch(/webhook_url_refused|validation_failed/);
    }
    // Vendor URLs come from configuration only: a routing hint naming a URL is just an unknown deployment.
    bed.fake.reset();
    const pinned = await send(bed.url, 'POST', '/v1/chat/completions', {
      token: alice.token,
      body: chat(),
      headers: { 'x-gateway-deployment': 'http://169.254.169.254/' },
    });
    expect(pinned.status).toBeGreaterThanOrEqual(400);
    expect(pinned.status).toBeLessThan(500);
    expect(bed.fake.calls).toHaveLength(0);
  });

  it('API8 Security Misconfiguration: security headers, no CORS by default, no stack traces, docs can be turned off', async () => {
    const answers = [
      await send(bed.url, 'GET', '/v1/models', { token: alice.token }),
      await send(bed.url, 'GET', '/no/such/route'),
      await send(bed.url, 'POST', '/v1/chat/completions', { token: alice.token, body: { model: 1 } }),
      await send(bed.url, 'POST', '/v1/chat/completions', {
        token: alice.token,
        body: { ...chat(), stream: true },
      }),
    ];
    for (const res of answers) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control')).toMatch(/no-store|no-cache/);
      expect(res.headers.get('x-powered-by')).toBeNull();
      expect(res.text).not.toMatch(/\bat [\w.<>]+ \(|node_modules|\.ts:\d+/);
    }
    expect(readStream(answers[3]).ending).toBe('done');
    // No CORS unless origins are configured: a foreign page cannot read answers.
    const preflight = await send(bed.url, 'OPTIONS', '/v1/chat/completions', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    const simple = await send(bed.url, 'GET', '/v1/models', {
      token: alice.token,
      headers: { origin: 'https://evil.example' },
    });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    // TRACE and friends are not routes.
    const trace = await rawRequest(bed.url, { method: 'TRACE', path: '/v1/models' });
    expect(trace.status).toBeGreaterThanOrEqual(400);
    expect(trace.status).toBeLessThan(500);
    // Docs are public when enabled (the default here) and gone with server.docs: false.
    expect((await send(bed.url, 'GET', '/docs-json')).status).toBe(200);
    const databaseUrl = await createTestDatabase();
    const noDocs = await startApi(
      testConfig({
        databaseUrl,
        redisUrl: testRedisUrl(),
        keyPrefix: uniquePrefix('nodocs'),
        extra: { server: { docs: false } },
      }),
    );
    try {
      for (const path of ['/docs', '/docs-json', '/docs-yaml'])
        expectError(await send(noDocs.url, 'GET', path), 404, 'route_not_found');
    } finally {
      await noDocs.close();
      await dropTestDatabase(databaseUrl);
    }
  });

  it('API9 Improper Inventory Management: /docs-json lists exactly the routes the api serves', async () => {
    const served = new Set<string>();
    for (const module of bed.api.app.get(ModulesContainer).values()) {
      for (const wrapper of module.controllers.values()) {
        const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
        if (!controller || Reflect.getMetadata('swagger/apiExcludeController', controller)) continue;
        const base = pathsOf(Reflect.getMetadata(PATH_METADATA, controller));
        const proto = controller.prototype as Record<string, unknown>;
        for (const name of Object.getOwnPropertyNames(proto)) {
          const handler = proto[name];
          if (typeof handler !== 'function' || name === 'constructor') continue;
          const methodPaths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
          const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
          if (methodPaths === undefined || method === undefined) continue;
          if (Reflect.getMetadata('swagger/apiExcludeEndpoint', handler)) continue;
          for (const b of base)
            for (const p of pathsOf(methodPaths)) served.add(`${RequestMethod[method]} ${joinPath(b, p)}`);
        }
      }
    }
    const doc = parseJson<{ paths: Record<string, Record<string, unknown>> }>(
      await send(bed.url, 'GET', '/docs-json'),
    );
    const documented = new Set(
      Object.entries(doc.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
      ),
    );
    console.log(`API9: ${served.size} routes served, ${documented.size} documented`);
    expect([...served].filter((route) => !documented.has(route)).sort()).toEqual([]);
    expect([...documented].filter((route) => !served.has(route)).sort()).toEqual([]);
    expect(served.size).toBeGreaterThan(25);
  });

  it('API10 Unsafe Consumption of APIs: malformed or hostile vendor answers end as well-formed errors, never a 500 or a leak', async () => {
    const hostile = [
      { kind: 'raw' as const, status: 200, body: '{}' },
      { kind: 'raw' as const, status: 200, body: '{"choices":[]}' },
      { kind: 'raw' as const, status: 200, body: '{"choices":[{"message":null}]}' },
      { kind: 'raw' as const, status: 200, body: 'null' },
      { kind: 'raw' as const, status: 200, body: '[]' },
      {
        kind: 'raw' as const,
        status: 200,
        body: '{"choices":[{"index":0,"message":{"role":"assistant","content":"ok"}}],"usage":{"prompt_tokens":-5,"completion_tokens":1e300,"total_tokens":"x"}}',
      },
      {
        kind: 'raw' as const,
        status: 200,
        body: '<html><body>Gateway login</body></html>',
        contentType: 'text/html',
      },
      {
        kind: 'raw' as const,
        status: 502,
        body: '<html>Bad gateway at 10.0.0.7 (nginx)</html>',
        contentType: 'text/html',
      },
      {
        kind: 'raw' as const,
        status: 401,
        body: '{"error":{"message":"Incorrect API key provided: sk-test-openai"}}',
      },
      { kind: 'malformed' as const },
      { kind: 'stream-die' as const, afterChunks: 1 },
    ];
    const verdicts: string[] = [];
    for (const behaviour of hostile) {
      for (const stream of [false, true]) {
        bed.fake.reset();
        bed.fake.enqueue('openai', behaviour);
        const res = await send(bed.url, 'POST', '/v1/chat/completions', {
          token: alice.token,
          body: { ...chat(), stream },
          timeoutMs: 10_000,
        });
        const outcome = readStream(res);
        verdicts.push(
          `${behaviour.kind}${'status' in behaviour ? behaviour.status : ''}/${stream ? 'sse' : 'json'} → ${res.status} ${outcome.errorEvent?.error.code ?? ''}`,
        );
        expect(res.status).not.toBe(500);
        expect(res.text).not.toMatch(/internal_error|<html|10\.0\.0\.7|sk-test-openai/);
        if (res.status >= 400) expect(errorFormatProblems(answerOf(res))).toEqual([]);
        if (res.status === 200 && stream) expect(['done', 'error']).toContain(outcome.ending);
        if (res.status === 200 && !stream) {
          const body = parseJson<{
            choices: { message: { content: unknown } }[];
            usage: Record<string, number>;
          }>(res);
          expect(body.choices).toHaveLength(1);
          for (const value of Object.values(body.usage ?? {}))
            expect(Number.isFinite(value) && value >= 0).toBe(true);
        }
      }
    }
    console.log(`API10: ${verdicts.join('; ')}`);
  });
});

function pathsOf(value: string | string[] | undefined): string[] {
  if (value === undefined) return [''];
  return Array.isArray(value) ? value : [value];
}

function joinPath(base: string, path: string): string {
  const joined = `/${[base, path]
    .map((p) => p.replace(/^\/+|\/+$/g, ''))
    .filter(Boolean)
    .join('/')}`;
  return joined === '' ? '/' : joined;
}
