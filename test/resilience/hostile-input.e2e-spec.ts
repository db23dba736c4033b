import fc from 'fast-check';
import { connect } from 'node:net';
import {
  answerOf,
  answerOfRaw,
  errorFormatProblems,
  hostileAnswerProblems,
  type Answer,
} from './support/error-format';
import { rawRequest, readStream, send, type Exchange } from './support/gateway-client';
import {
  authBody,
  chatBody,
  hostileId,
  legacyBody,
  nastyString,
  nastyValue,
  taskBody,
} from './support/hostile-arbitraries';
import {
  BODY_LIMIT_BYTES,
  SERVED_MODELS,
  startHostileBed,
  type Caller,
  type HostileBed,
} from './support/hostile-bed';

jest.setTimeout(120_000);

/** A reproducible run: FUZZ_SEED=<seed printed by a failing run> npx jest test/resilience/hostile-input */
const SEED = Number(process.env.FUZZ_SEED ?? Date.now() % 2_147_483_647);
const RUNS = Number(process.env.FUZZ_RUNS ?? 1);
const PER_REQUEST_TIMEOUT_MS = 5_000;

/** Problems with an answer, SSE included: a stream must end with [DONE] or an error event that is not ours. */
function problemsOf(exchange: Exchange): string[] {
  if (exchange.status === 0) return [`no answer (hang or connection error): ${exchange.text}`];
  const problems = hostileAnswerProblems(answerOf(exchange));
  if (exchange.headers.get('content-type')?.startsWith('text/event-stream')) {
    const stream = readStream(exchange);
    if (stream.ending === 'cut') problems.push('stream ended without [DONE] or an error event');
    const code = stream.errorEvent?.error.code;
    if (code === 'internal_error') problems.push(`stream error event: ${JSON.stringify(stream.errorEvent)}`);
  }
  return problems;
}

/** fast-check options: bounded runs, the seed printed so a failure can be replayed. */
function runs(numRuns: number): fc.Parameters<unknown> {
  return { numRuns: numRuns * RUNS, seed: SEED, endOnFailure: false, interruptAfterTimeLimit: 60_000 };
}

const tally: Record<string, number> = {};
function count(what: string, exchange: Exchange): void {
  const key = `${what} ${exchange.status}`;
  tally[key] = (tally[key] ?? 0) + 1;
}

describe('resilience: hostile input (property-based fuzz and named cases)', () => {
  let bed: HostileBed;
  let alice: Caller;

  beforeAll(async () => {
    bed = await startHostileBed();
    alice = await bed.newUser('alice');
  });

  afterAll(async () => {
    console.log(`hostile input: seed ${SEED}, answers by route and status: ${JSON.stringify(tally)}`);
    await bed?.close();
  });

  it('fuzz: chat bodies on every chat route answer 2xx or a well-formed 4xx, never a 5xx or a hang', async () => {
    const route = fc.constantFrom('/v1/chat/completions', '/chat/completions', '/chat/stream');
    await fc.assert(
      fc.asyncProperty(route, chatBody(SERVED_MODELS), async (path, body) => {
        const res = await send(bed.url, 'POST', path, {
          token: alice.token,
          body,
          timeoutMs: PER_REQUEST_TIMEOUT_MS,
        });
        count(path, res);
        expect(problemsOf(res)).toEqual([]);
      }),
      runs(250),
    );
    await fc.assert(
      fc.asyncProperty(legacyBody(SERVED_MODELS), async (body) => {
        const res = await send(bed.url, 'POST', '/api/v1/completions', {
          token: alice.token,
          body,
          timeoutMs: PER_REQUEST_TIMEOUT_MS,
        });
        count('/api/v1/completions', res);
        expect(problemsOf(res)).toEqual([]);
      }),
      runs(80),
    );
  });

  it('fuzz: auth bodies (sign-in, refresh, logout) answer well-formed, never a 5xx', async () => {
    const route = fc.constantFrom('/auth/token', '/auth/refresh', '/auth/logout');
    await fc.assert(
      fc.asyncProperty(route, fc.oneof(authBody, nastyValue), async (path, body) => {
        const res = await send(bed.url, 'POST', path, { body, timeoutMs: PER_REQUEST_TIMEOUT_MS });
        count(path, res);
        expect(problemsOf(res)).toEqual([]);
      }),
      runs(150),
    );
  });

  it('fuzz: task bodies and Idempotency-Keys answer well-formed, never a 5xx', async () => {
    const idempotencyKey = fc.option(nastyString.filter(isSendableHeader), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 4, arbitrary: taskBody(SERVED_MODELS[0]) }, nastyValue),
        idempotencyKey,
        async (body, key) => {
          const res = await send(bed.url, 'POST', '/tasks', {
            token: alice.token,
            body,
            headers: key === undefined ? {} : { 'idempotency-key': key },
            timeoutMs: PER_REQUEST_TIMEOUT_MS,
          });
          count('/tasks', res);
          expect(problemsOf(res)).toEqual([]);
        },
      ),
      runs(200),
    );
  });

  it('fuzz: ids in paths (traversal, encodings, NULs) answer 2xx/4xx without reaching another route', async () => {
    const target = fc.constantFrom(
      ['GET', '/tasks/%s', 'user'],
      ['DELETE', '/tasks/%s', 'user'],
      ['GET', '/tasks/%s/events', 'user'],
      ['GET', '/v1/models/%s', 'user'],
      ['DELETE', '/api-keys/%s', 'user'],
      ['GET', '/providers/%s/status', 'admin'],
      ['PATCH', '/users/%s', 'admin'],
    );
    await fc.assert(
      fc.asyncProperty(
        target,
        hostileId,
        fc.option(nastyValue, { nil: undefined }),
        async ([method, pattern, who], id, body) => {
          const path = pattern.replace('%s', id);
          const res = await send(bed.url, method, path, {
            token: who === 'admin' ? bed.adminToken : alice.token,
            body: method === 'PATCH' ? (body ?? {}) : undefined,
            timeoutMs: PER_REQUEST_TIMEOUT_MS,
          });
          count(`${method} ${pattern}`, res);
          expect(problemsOf(res)).toEqual([]);
          // Only an id that is really there may answer 2xx (the served models).
          if (res.status < 300) expect(SERVED_MODELS.map(encodeURIComponent)).toContain(id);
        },
      ),
      runs(200),
    );
  });

  it('fuzz: odd header values (request id, routing hints, cache directives, credentials) never break a request', async () => {
    const value = nastyString.filter(isSendableHeader);
    // Each header mostly plausible (so requests get through to the answer), now and then hostile.
    const either = (plausible: fc.Arbitrary<string>): fc.Arbitrary<string> =>
      fc.oneof({ weight: 6, arbitrary: plausible }, { weight: 1, arbitrary: value });
    const headers = fc.record(
      {
        'x-request-id': value,
        'x-gateway-timeout-ms': either(fc.integer({ min: 100, max: 60_000 }).map(String)),
        'x-gateway-deployment': either(fc.constantFrom('openai-main', 'azure-west')),
        'x-gateway-provider': either(fc.constantFrom('openai', 'azure')),
        'x-gateway-fallback': either(fc.constantFrom('true', 'false')),
        'x-gateway-cache': either(fc.constantFrom('on', 'off')),
        'cache-control': either(fc.constantFrom('no-cache', 'no-store', 'no-cache, no-store')),
        accept: either(fc.constantFrom('application/json', 'text/event-stream', '*/*')),
        'content-type': fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/json; charset=utf-16',
          'application/JSON',
          'application/json;;',
          'text/plain',
        ),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(headers, fc.boolean(), async (extra, stream) => {
        const res = await send(bed.url, 'POST', '/v1/chat/completions', {
          token: alice.token,
          body: { model: SERVED_MODELS[0], messages: [{ role: 'user', content: 'headers' }], stream },
          headers: extra,
          timeoutMs: PER_REQUEST_TIMEOUT_MS,
        });
        count('headers', res);
        expect(problemsOf(res)).toEqual([]);
        const requestId = res.headers.get('x-request-id') ?? '';
        expect(requestId).toMatch(/^[\x21-\x7e]{1,128}$/);
      }),
      runs(150),
    );
  });

  it('oversized bodies → 413 in the error format (declared length and chunked)', async () => {
    const big = JSON.stringify({
      model: SERVED_MODELS[0],
      messages: [{ role: 'user', content: 'x'.repeat(BODY_LIMIT_BYTES) }],
    });
    const declared = await send(bed.url, 'POST', '/v1/chat/completions', {
      token: alice.token,
      body: JSON.parse(big) as unknown,
    });
    expect(declared.status).toBe(413);
    expect(errorFormatProblems(answerOf(declared))).toEqual([]);
    const chunked = await rawRequest(bed.url, {
      method: 'POST',
      path: '/tasks',
      headers: {
        authorization: `Bearer ${alice.token}`,
        'content-type': 'application/json',
        'transfer-encoding': 'chunked',
      },
      body: big,
    });
    expect(chunked.status).toBe(413);
    expect(errorFormatProblems(answerOfRaw(chunked))).toEqual([]);
  });

  it('deeply nested JSON (10,000 levels) → a 400, not a stack overflow', async () => {
    const depth = 10_000;
    const nestedArray = `${'['.repeat(depth)}${']'.repeat(depth)}`;
    const nestedObject = `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    const bodies = [
      nestedArray,
      nestedObject,
      `{"model":"${SERVED_MODELS[0]}","messages":[{"role":"user","content":${nestedArray}}]}`,
      `{"model":"${SERVED_MODELS[0]}","messages":[{"role":"user","content":"x"}],"metadata":${nestedObject}}`,
      `{"type":"chat","input":${nestedObject}}`,
    ];
    const found: string[] = [];
    for (const [path, body] of bodies.flatMap(
      (b) =>
        [
          ['/v1/chat/completions', b],
          ['/tasks', b],
          ['/auth/token', b],
        ] as const,
    )) {
      const res = await rawRequest(bed.url, {
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
        body,
      });
      const problems = hostileAnswerProblems(answerOfRaw(res));
      if (problems.length || res.status < 400)
        found.push(`${path} ${body.slice(0, 70)}…: ${res.status} ${problems.join('; ')}`);
    }
    expect(found).toEqual([]);
  });

  it('NUL (\\u0000) and unpaired UTF-16 surrogates (\\ud800) in JSON strings → 400 before PostgreSQL or a vendor sees them', async () => {
    const model = SERVED_MODELS[0];
    const cases = [
      ['/tasks', `{"type":"chain","input":{"model":"\\ud800","steps":[{"prompt":"!"}]}}`],
      [
        '/tasks',
        `{"type":"chat","input":{"model":"${model}","messages":[{"role":"user","content":"a\\udc00"}]}}`,
      ],
      ['/v1/chat/completions', `{"model":"${model}","messages":[{"role":"user","content":"\\ud83d"}]}`],
      ['/auth/token', `{"email":"\\ud800@example.com","password":"x"}`],
      [
        '/tasks',
        `{"type":"chat","input":{"model":"${model}","messages":[{"role":"user","content":"a\\u0000b"}]}}`,
      ],
      ['/v1/chat/completions', `{"model":"${model}","messages":[{"role":"user","content":"\\u0000"}]}`],
    ] as const;
    const callsBefore = bed.fake.calls.length;
    for (const [path, body] of cases) {
      const res = await rawRequest(bed.url, {
        method: 'POST',
        path,
        headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
        body,
      });
      expect({ path, status: res.status, problems: hostileAnswerProblems(answerOfRaw(res)) }).toEqual({
        path,
        status: 400,
        problems: [],
      });
    }
    expect(bed.fake.calls.length).toBe(callsBefore);
    // A pair written as escapes is an ordinary emoji.
    const emoji = await rawRequest(bed.url, {
      method: 'POST',
      path: '/v1/chat/completions',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
      body: `{"model":"${model}","messages":[{"role":"user","content":"\\ud83d\\ude00"}]}`,
    });
    expect(emoji.status).toBe(200);
  });

  it('invalid UTF-8 in bodies and headers → answered well-formed', async () => {
    const invalid = [
      Buffer.from([0xff, 0xfe, 0xfd]),
      Buffer.from([0xc3, 0x28]),
      Buffer.from([0xed, 0xa0, 0x80]),
      Buffer.from([0xf8, 0x88, 0x80, 0x80, 0x80]),
    ];
    for (const bytes of invalid) {
      const body = Buffer.concat([
        Buffer.from(`{"model":"${SERVED_MODELS[0]}","messages":[{"role":"user","content":"`),
        bytes,
        Buffer.from('"}]}'),
      ]);
      for (const path of ['/v1/chat/completions', '/tasks', '/auth/token']) {
        const res = await rawRequest(bed.url, {
          method: 'POST',
          path,
          headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json' },
          body,
        });
        expect({ path, problems: hostileAnswerProblems(answerOfRaw(res)) }).toEqual({ path, problems: [] });
      }
      const header = await rawSocketRequest(
        bed.url,
        Buffer.concat([
          Buffer.from(
            `GET /v1/models HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${alice.token}\r\nX-Request-Id: `,
          ),
          bytes,
          Buffer.from('\r\nConnection: close\r\n\r\n'),
        ]),
      );
      expect(header.statusLine).toMatch(/^HTTP\/1\.1 (200|400) /);
    }
  });

  it('huge (beyond 32 bits), negative, fractional and non-numeric max_tokens → 400 naming max_tokens, before any vendor call', async () => {
    bed.fake.reset();
    for (const maxTokens of [
      1e308,
      2 ** 53 + 2,
      Number.MAX_SAFE_INTEGER,
      2 ** 31,
      -1,
      0,
      1.5,
      '100',
      null,
      [],
      {},
    ]) {
      for (const path of ['/v1/chat/completions', '/api/v1/completions']) {
        const body =
          path === '/api/v1/completions'
            ? { prompt: 'hi', model: SERVED_MODELS[0], max_tokens: maxTokens }
            : { model: SERVED_MODELS[0], messages: [{ role: 'user', content: 'hi' }], max_tokens: maxTokens };
        const res = await send(bed.url, 'POST', path, { token: alice.token, body });
        // null is "not given" to OpenAI clients: accepted; everything else is out of range or not an integer.
        if (maxTokens === null) {
          expect(res.status).toBe(200);
          continue;
        }
        expect({ maxTokens, status: res.status, problems: errorFormatProblems(answerOf(res)) }).toEqual({
          maxTokens,
          status: 400,
          problems: [],
        });
        expect(res.text).toContain('max_tokens');
      }
    }
    // Only the two null cases reached the vendor.
    expect(bed.fake.calls).toHaveLength(2);
  });

  it('header injection: CR/LF smuggled in body fields or header bytes never reaches a response header', async () => {
    const injected = 'x\r\nSet-Cookie: pwned=1\r\nX-Injected: yes';
    const attempts: Answer[] = [];
    for (const body of [
      { model: injected, messages: [{ role: 'user', content: 'hi' }] },
      { model: SERVED_MODELS[0], messages: [{ role: 'user', content: injected }], user: injected },
      { prompt: injected, model: injected },
    ]) {
      const res = await send(bed.url, 'POST', body.prompt ? '/api/v1/completions' : '/v1/chat/completions', {
        token: alice.token,
        body,
      });
      attempts.push(answerOf(res));
    }
    const task = await send(bed.url, 'POST', '/tasks', {
      token: alice.token,
      body: { type: 'chat', input: { model: SERVED_MODELS[0], messages: [{ role: 'user', content: 'x' }] } },
      headers: { 'idempotency-key': 'ok-key' },
    });
    attempts.push(answerOf(task));
    // Raw bytes: a bare LF and obs-fold inside header values, request smuggling with two lengths.
    const smuggled = await rawSocketRequest(
      bed.url,
      Buffer.from(
        'POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n' +
          'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /users HTTP/1.1\r\nHost: x\r\n\r\n',
      ),
    );
    const folded = await rawSocketRequest(
      bed.url,
      Buffer.from(
        `GET /v1/models HTTP/1.1\r\nHost: x\r\nX-Request-Id: a\n Set-Cookie: pwned=1\r\nConnection: close\r\n\r\n`,
      ),
    );
    for (const answer of attempts) {
      expect(answer.header('set-cookie')).toBeUndefined();
      expect(answer.header('x-injected')).toBeUndefined();
      expect(answer.status).toBeLessThan(500);
    }
    expect(smuggled.statusLine).toMatch(/^HTTP\/1\.1 400 /);
    expect(smuggled.raw).not.toMatch(/\r\nset-cookie:/i);
    expect(smuggled.raw.match(/HTTP\/1\.1 /g) ?? []).toHaveLength(1);
    expect(folded.statusLine).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('SSRF: webhook targets on loopback, private, link-local, metadata or odd schemes are refused at creation', async () => {
    const targets = [
      'http://127.0.0.1/hook',
      'http://127.1/hook',
      'http://0.0.0.0/hook',
      'http://0/hook',
      'http://2130706433/hook',
      'http://0x7f000001/hook',
      'http://017700000001/hook',
      'http://localhost:3000/hook',
      'http://LOCALHOST/hook',
      'http://[::1]/hook',
      'http://[::]/hook',
      'http://[::ffff:127.0.0.1]/hook',
      'http://[::ffff:7f00:1]/hook',
      'http://[0:0:0:0:0:ffff:169.254.169.254]/x',
      'http://[fd00::1]/hook',
      'http://[fe80::1]/hook',
      'http://169.254.169.254/latest/meta-data/iam/security-credentials/',
      'http://100.100.100.200/latest/meta-data',
      'http://10.0.0.1/hook',
      'http://172.16.0.1/hook',
      'http://192.168.1.1/hook',
      'http://100.64.0.1/hook',
      'http://[64:ff9b::a9fe:a9fe]/hook',
      'http://user:pass@8.8.8.8/hook',
      'file:///etc/passwd',
      'gopher://127.0.0.1:6379/_FLUSHALL',
      'ftp://8.8.8.8/x',
      'dict://127.0.0.1:11211/stat',
      'javascript:alert(1)',
      'http://%31%32%37.0.0.1/hook',
      'http://127.0.0.1.nip.io.localhost/hook',
    ];
    const verdicts: string[] = [];
    for (const webhookUrl of targets) {
      const res = await send(bed.url, 'POST', '/tasks', {
        token: alice.token,
        body: {
          type: 'chat',
          input: { model: SERVED_MODELS[0], messages: [{ role: 'user', content: 'x' }] },
          webhookUrl,
        },
      });
      verdicts.push(`${webhookUrl} → ${res.status}`);
      expect({ webhookUrl, status: res.status, problems: errorFormatProblems(answerOf(res)) }).toEqual({
        webhookUrl,
        status: 400,
        problems: [],
      });
      expect(res.text).toMatch(/webhook_url_refused|validation_failed/);
    }
    console.log(`SSRF: ${targets.length} hostile webhook targets refused`);
  });

  it('path traversal in ids never reaches another route or a file', async () => {
    const paths = [
      '/tasks/..%2f..%2fusers',
      '/tasks/%2e%2e/%2e%2e/users',
      '/tasks/../users',
      '/v1/models/..%2f..%2fhealth',
      '/v1/models/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/providers/..%2f..%2fusers/status',
      '/api-keys/..%5c..%5cusers',
      '/docs/../../etc/passwd',
      '/docs/..%2f..%2f..%2fetc%2fpasswd',
      '/docs/%2e%2e%2fpackage.json',
      '//users',
      '/tasks/%00',
    ];
    for (const path of paths) {
      const res = await rawRequest(bed.url, {
        method: 'GET',
        path,
        headers: { authorization: `Bearer ${alice.token}` },
      });
      const answer = answerOfRaw(res);
      expect({ path, problems: hostileAnswerProblems(answer) }).toEqual({ path, problems: [] });
      expect(res.body).not.toMatch(/root:x:0:0|"name": ?"manus-platform-backend"|"email"/);
      if (res.status < 300) expect(path).toMatch(/^\/(docs|tasks\/\.\.\/users|\/users)/);
    }
  });

  it('prototype pollution through JSON bodies changes nothing', async () => {
    for (const [path, body] of [
      [
        '/users',
        '{"email":"p@example.com","password":"Polluted-pass-01","__proto__":{"role":"admin","isAdmin":true}}',
      ],
      [
        '/v1/chat/completions',
        `{"model":"${SERVED_MODELS[0]}","messages":[{"role":"user","content":"x","__proto__":{"role":"system"}}],"constructor":{"prototype":{"polluted":1}}}`,
      ],
      [
        '/tasks',
        '{"type":"chat","input":{"__proto__":{"model":"x"}},"__proto__":{"ownerId":"00000000-0000-0000-0000-000000000000"}}',
      ],
    ] as const) {
      const res = await rawRequest(bed.url, {
        method: 'POST',
        path,
        headers: {
          authorization: `Bearer ${path === '/users' ? bed.adminToken : alice.token}`,
          'content-type': 'application/json',
        },
        body,
      });
      expect({ path, problems: hostileAnswerProblems(answerOfRaw(res)) }).toEqual({ path, problems: [] });
    }
    const probe: Record<string, unknown> = {};
    expect([probe.role, probe.isAdmin, probe.polluted, probe.ownerId]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });
});

/** Header values fetch can send (no CR, LF, NUL; Latin-1 only). */
function isSendableHeader(value: string): boolean {
  return /^[\t\x20-\x7e\x80-\xff]*$/.test(value) && value.trim() === value;
}

/** Writes raw bytes to the api and reads until it closes the connection (or 5 s). */
function rawSocketRequest(baseUrl: string, bytes: Buffer): Promise<{ statusLine: string; raw: string }> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname);
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), 5_000);
    socket.on('connect', () => socket.write(bytes));
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      resolve({ statusLine: raw.split('\r\n')[0], raw });
    });
  });
}
