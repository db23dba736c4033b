import { randomBytes } from 'node:crypto';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { parseJson, readStream, send, type Exchange } from './support/gateway-client';
import { isRunning } from './support/gateway-processes';
import { CHAT_MODEL, chatTaskBody, startScenarioBed, type ScenarioBed } from './support/scenario-bed';
import { waitFor } from './support/traffic';
import { WebhookReceiver } from './support/webhook-receiver';

jest.setTimeout(120_000);

/** A secret nobody could mistake for anything else in a log line. */
const secret = (label: string): string => `${label}-${randomBytes(18).toString('base64url')}`;

/**
 * The api and a worker as real processes at LOG_LEVEL=debug, configured with known provider keys, JWT
 * secret, webhook signing key, database password and admin password, driven through a full mix (sign-ins
 * good and bad, refresh and its reuse, users, API keys, chat JSON/SSE/legacy, vendor errors that echo the
 * key, tasks with webhooks, admin views). Every log line and every answer is then searched for each secret.
 */
describe('resilience: no secret in any log line or answer of a full run', () => {
  const config = {
    jwtSecret: secret('jwt-secret'),
    signingKey: secret('webhook-signing-key'),
    adminPassword: secret('Admin-Pass'),
    openaiKey: secret('sk-openai'),
    anthropicKey: secret('sk-ant'),
    databasePassword: secret('db-pass'),
  };
  const userPassword = secret('User-Pass');
  const wrongPassword = secret('Wrong-Pass');
  let databaseUrl: string;
  let bed: ScenarioBed;
  let receiver: WebhookReceiver;
  const answers: { what: string; exchange: Exchange }[] = [];
  /** Credentials the run issued: they belong in the one answer that issued them, never in a log. */
  const issued: string[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    receiver = await WebhookReceiver.start();
    // The test servers trust local connections: the password is carried (and must be kept quiet) unused.
    const withPassword = new URL(databaseUrl);
    withPassword.password = config.databasePassword;
    bed = await startScenarioBed({
      databaseUrl: withPassword.toString(),
      redisUrl: testRedisUrl(),
      keyPrefix: uniquePrefix('secrets'),
      workers: 1,
      env: { LOG_LEVEL: 'debug', JWT_SECRET: config.jwtSecret },
      sections: {
        auth: {
          bootstrapAdminEmail: 'root@example.com',
          bootstrapAdminPassword: config.adminPassword,
          apiKeyLastUsedFlushMs: 200,
        },
        tasks: {
          webhooks: {
            allowPrivate: false,
            allowedHosts: ['127.0.0.1'],
            backoffMs: 100,
            signingKey: config.signingKey,
          },
        },
      },
      providers: (fakeUrl) => [
        {
          id: 'fake-openai',
          type: 'openai',
          apiKey: config.openaiKey,
          baseUrl: `${fakeUrl}/v1`,
          models: [{ name: CHAT_MODEL }],
          maxRetries: 0,
        },
        {
          id: 'fake-anthropic',
          type: 'anthropic',
          apiKey: config.anthropicKey,
          baseUrl: fakeUrl,
          models: [{ name: 'task-model', model: 'claude-task' }],
          maxRetries: 0,
        },
      ],
    });
  });

  afterAll(async () => {
    await bed?.close();
    await receiver?.close();
    if (databaseUrl) await dropTestDatabase(databaseUrl);
  });

  async function call(
    what: string,
    method: string,
    path: string,
    opts: Parameters<typeof send>[3] = {},
  ): Promise<Exchange> {
    const exchange = await send(bed.api.url, method, path, opts);
    answers.push({ what, exchange });
    return exchange;
  }

  it('drives a full mix, then finds no configured secret anywhere and no issued credential in any log', async () => {
    // Sign-ins: right, wrong, unknown; refresh, reuse of a spent refresh token, logout.
    const admin = parseJson<{ accessToken: string; refreshToken: string }>(
      await call('sign-in', 'POST', '/auth/token', {
        body: { email: 'root@example.com', password: config.adminPassword },
      }),
    );
    issued.push(admin.accessToken, admin.refreshToken);
    await call('wrong password', 'POST', '/auth/token', {
      body: { email: 'root@example.com', password: wrongPassword },
    });
    await call('unknown user', 'POST', '/auth/token', {
      body: { email: 'nobody@example.com', password: wrongPassword },
    });
    const created = await call('create user', 'POST', '/users', {
      token: admin.accessToken,
      body: { email: 'user@example.com', password: userPassword },
    });
    expect(created.status).toBe(201);
    await call('duplicate user', 'POST', '/users', {
      token: admin.accessToken,
      body: { email: 'user@example.com', password: userPassword },
    });
    const user = parseJson<{ accessToken: string; refreshToken: string }>(
      await call('user sign-in', 'POST', '/auth/token', {
        body: { email: 'user@example.com', password: userPassword },
      }),
    );
    issued.push(user.accessToken, user.refreshToken);
    const rotated = parseJson<{ accessToken: string; refreshToken: string }>(
      await call('refresh', 'POST', '/auth/refresh', { body: { refreshToken: user.refreshToken } }),
    );
    issued.push(rotated.accessToken, rotated.refreshToken);
    await call('refresh reuse', 'POST', '/auth/refresh', { body: { refreshToken: user.refreshToken } });
    const session = parseJson<{ accessToken: string; refreshToken: string }>(
      await call('user sign-in again', 'POST', '/auth/token', {
        body: { email: 'user@example.com', password: userPassword },
      }),
    );
    issued.push(session.accessToken, session.refreshToken);

    // API keys, chat in every shape, a vendor error that echoes the gateway's key, admin views.
    const key = parseJson<{ id: string; key: string }>(
      await call('create key', 'POST', '/api-keys', {
        token: session.accessToken,
        body: { name: 'scan', scopes: ['chat', 'tasks'] },
      }),
    );
    issued.push(key.key);
    const message = (content: string): Record<string, unknown> => ({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content }],
    });
    expect(
      (await call('chat json', 'POST', '/v1/chat/completions', { token: key.key, body: message('json') }))
        .status,
    ).toBe(200);
    const streamed = await call('chat sse', 'POST', '/v1/chat/completions', {
      token: session.accessToken,
      body: { ...message('sse'), stream: true, stream_options: { include_usage: true } },
    });
    expect(readStream(streamed).ending).toBe('done');
    await call('legacy', 'POST', '/api/v1/completions', {
      token: key.key,
      body: { prompt: 'legacy', model: CHAT_MODEL },
    });
    bed.fake.enqueue('openai', {
      kind: 'status',
      status: 401,
      message: `Incorrect API key provided: ${config.openaiKey}`,
    });
    await call('vendor 401 echoing the key', 'POST', '/v1/chat/completions', {
      token: key.key,
      body: message('leak?'),
    });
    bed.fake.enqueue('openai', {
      kind: 'status',
      status: 500,
      message: `upstream trace: Authorization: Bearer ${config.openaiKey}`,
    });
    await call('vendor 500 echoing the key', 'POST', '/v1/chat/completions', {
      token: key.key,
      body: { ...message('leak in stream?'), stream: true },
    });
    await call('models', 'GET', '/v1/models', { token: key.key });
    await call('me by key', 'GET', '/auth/me', { token: key.key });
    await call('keys', 'GET', '/api-keys', { token: session.accessToken });
    await call('providers', 'GET', '/providers', { token: admin.accessToken });
    await call('metrics', 'GET', '/metrics', { token: admin.accessToken });
    await call('users', 'GET', '/users', { token: admin.accessToken });

    // Tasks with a signed webhook: one succeeds, one fails at the vendor with the key in its words.
    const ok = parseJson<{ id: string; webhookSecret: string }>(
      await call('task', 'POST', '/tasks', {
        token: key.key,
        body: chatTaskBody('secret task', { webhookUrl: receiver.url }),
      }),
    );
    issued.push(ok.webhookSecret);
    await waitFor(() => receiver.deliveries.length >= 1, 20_000, 'the first webhook delivery');
    bed.fake.enqueue(
      'anthropic',
      ...Array.from({ length: 3 }, () => ({
        kind: 'status' as const,
        status: 500,
        message: `key ${config.anthropicKey} rejected`,
      })),
    );
    const failing = parseJson<{ id: string; webhookSecret: string }>(
      await call('failing task', 'POST', '/tasks', {
        token: key.key,
        body: chatTaskBody('failing task', { webhookUrl: receiver.url }),
      }),
    );
    issued.push(failing.webhookSecret);
    await waitFor(() => receiver.deliveries.length >= 2, 20_000, 'both webhook deliveries');
    await call('task view', 'GET', `/tasks/${ok.id}`, { token: key.key });
    const failedView = await call('failed task view', 'GET', `/tasks/${failing.id}`, { token: key.key });
    expect(parseJson<{ status: string }>(failedView).status).toBe('failed');
    await call('revoke key', 'DELETE', `/api-keys/${key.id}`, { token: session.accessToken });
    await call('revoked key', 'GET', '/auth/me', { token: key.key });
    await call('logout', 'POST', '/auth/logout', { body: { refreshToken: session.refreshToken } });
    await call('tampered token', 'GET', '/auth/me', { token: `${session.accessToken}x` });
    await new Promise((resolve) => setTimeout(resolve, 400)); // last-used flush, request logs

    for (const proc of [bed.api.proc, ...bed.workers]) proc.child.kill('SIGTERM');
    for (const proc of [bed.api.proc, ...bed.workers]) expect((await proc.exited(15_000)).code).toBe(0);
    expect([bed.api.proc, ...bed.workers].filter(isRunning)).toEqual([]);

    const logs = [bed.api.proc.output(), ...bed.workers.map((w) => w.output())].join('\n');
    const logLines = logs.split('\n').filter(Boolean);
    const answerText = answers
      .map(({ exchange }) => `${JSON.stringify([...exchange.headers])}\n${exchange.text}`)
      .join('\n');
    const deliveries = receiver.deliveries.map((d) => d.body).join('\n');
    const configured = Object.entries(config);
    const leaks = [
      ...configured.filter(([, value]) => logs.includes(value)).map(([name]) => `log has ${name}`),
      ...configured
        .filter(([, value]) => answerText.includes(value))
        .map(([name]) => `an answer has ${name}`),
      ...configured
        .filter(([, value]) => deliveries.includes(value))
        .map(([name]) => `a webhook has ${name}`),
      ...[userPassword, wrongPassword]
        .filter((p) => logs.includes(p) || answerText.includes(p))
        .map((p) => `password ${p.slice(0, 9)}…`),
      ...issued
        .filter((credential) => logs.includes(credential))
        .map((c) => `log has issued credential ${c.slice(0, 12)}…`),
      ...issued
        .filter((credential) => deliveries.includes(credential))
        .map((c) => `a webhook has ${c.slice(0, 12)}…`),
    ];
    console.log(
      `secrets scan: ${logLines.length} log lines (debug), ${answers.length} answers, ${receiver.deliveries.length} webhook bodies; ` +
        `${configured.length + 2} configured secrets and ${issued.length} issued credentials searched; leaks: ${leaks.length}`,
    );
    // The run really logged what it did, so finding nothing means something.
    expect(logs).toContain('request completed');
    expect(logs).toContain('task finished');
    expect(logs).toContain('refresh token reused');
    expect(answers.map((a) => a.exchange.status)).not.toContain(500);
    expect(leaks).toEqual([]);
    // Hashes are secrets too: no hash value anywhere, no hash field in any answer (queries may name columns).
    expect(`${logs}\n${answerText}`).not.toMatch(/scrypt\$/);
    expect(answerText).not.toMatch(/passwordHash|password_hash|keyHash|key_hash|tokenHash|token_hash/);
  });
});
