import fc from 'fast-check';

/**
 * Generators of hostile request parts: values of the wrong type, out-of-range numbers, odd strings,
 * prototype-pollution keys, deep nesting, and near-valid bodies with one field mutated (the most
 * productive kind: they get past the first checks).
 */

/** Strings that tend to break parsers, loggers, SQL and headers. */
export const nastyString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\r\nSet-Cookie: pwned=1',
    '../../../../etc/passwd',
    '..%2f..%2f..%2fetc%2fpasswd',
    "' OR 1=1 --",
    '"; DROP TABLE tasks; --',
    '${jndi:ldap://x}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '\ud800',
    '\udfff\ud800',
    '🧨'.repeat(50),
    'x'.repeat(5_000),
    '__proto__',
    'constructor',
    'NaN',
    '-1',
    '1e309',
  ),
);

/** Numbers at and beyond every edge. */
export const nastyNumber = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(
    0,
    -0,
    -1,
    0.5,
    1.5,
    2 ** 31,
    2 ** 53,
    2 ** 53 + 2,
    Number.MAX_SAFE_INTEGER,
    Number.MAX_VALUE,
    -Number.MAX_VALUE,
    Number.MIN_VALUE,
    1e308,
  ),
);

/** Any JSON-able value, nested a little, with nasty leaves. */
export const nastyValue: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    nastyString,
    nastyNumber,
    fc.boolean(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(
      fc.oneof(nastyString, fc.constantFrom('__proto__', 'constructor', 'prototype')),
      tie('value'),
      {
        maxKeys: 4,
      },
    ),
  ),
})).value;

/** One or two keys no DTO knows. */
const unknownKeys = fc.dictionary(nastyString, nastyValue, { minKeys: 1, maxKeys: 2 });

/** `value` one time in ten, else undefined (fc.option's freq is the other way round: nil 1/freq). */
function rarely<T>(value: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: value });
}

/**
 * An object with some of `fields` (each mostly plausible, now and then hostile; the `required` ones
 * always there), and with `extraKeys` sometimes an unknown key or two. Most objects then have no bad
 * field, or one, which gets them past the first checks into the code behind.
 */
export function mutatedObject(
  fields: Record<string, fc.Arbitrary<unknown>>,
  opts: { required?: readonly string[]; extraKeys?: boolean } = {},
): fc.Arbitrary<Record<string, unknown>> {
  const required = opts.required ?? [];
  const entries = Object.entries(fields).map(([key, plausible]) => {
    const value = fc.oneof({ weight: 25, arbitrary: plausible }, { weight: 1, arbitrary: nastyValue });
    return [key, required.includes(key) ? value : fc.option(value, { nil: undefined, freq: 3 })] as const;
  });
  const extra = opts.extraKeys ? rarely(unknownKeys) : fc.constant(undefined);
  return fc
    .tuple(fc.record(Object.fromEntries(entries) as Record<string, fc.Arbitrary<unknown>>), extra)
    .map(([known, unknownKeys]) => {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(known)) if (value !== undefined) out[key] = value;
      return unknownKeys ? { ...unknownKeys, ...out } : out;
    });
}

const role = fc.constantFrom('system', 'user', 'assistant', 'tool', 'developer', 'function', 'root');

const message = mutatedObject({
  role,
  content: fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.array(
      mutatedObject({
        type: fc.constantFrom('text', 'image_url', 'input_audio', 'file'),
        text: fc.string({ maxLength: 30 }),
        image_url: mutatedObject({
          url: fc.constantFrom('https://example.com/a.png', 'data:image/png;base64,AAAA'),
        }),
      }),
      { maxLength: 3 },
    ),
  ),
  name: fc.string({ maxLength: 10 }),
  tool_call_id: fc.string({ maxLength: 10 }),
  tool_calls: fc.array(
    mutatedObject({
      id: fc.string({ maxLength: 8 }),
      type: fc.constant('function'),
      function: mutatedObject({ name: fc.string({ maxLength: 8 }), arguments: fc.string({ maxLength: 20 }) }),
    }),
    { maxLength: 2 },
  ),
});

/** Chat bodies around a valid one: a served model, a few messages, options mutated or not. */
export function chatBody(models: string[]): fc.Arbitrary<Record<string, unknown>> {
  return mutatedObject(
    {
      model: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...models) }, fc.string({ maxLength: 20 })),
      messages: fc.oneof(
        { weight: 3, arbitrary: fc.constant([{ role: 'user', content: 'fuzz' }]) },
        fc.array(message, { maxLength: 4 }),
      ),
      stream: fc.boolean(),
      stream_options: mutatedObject({ include_usage: fc.boolean() }),
      max_tokens: fc.integer({ min: 1, max: 64 }),
      max_completion_tokens: fc.integer({ min: 1, max: 64 }),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
      top_p: fc.double({ min: 0, max: 1, noNaN: true }),
      n: fc.constant(1),
      stop: fc.oneof(fc.string({ maxLength: 5 }), fc.array(fc.string({ maxLength: 5 }), { maxLength: 5 })),
      seed: fc.integer(),
      user: fc.string({ maxLength: 20 }),
      tools: fc.array(
        mutatedObject({
          type: fc.constant('function'),
          function: mutatedObject({
            name: fc.stringMatching(/^[a-z_]{1,10}$/),
            description: fc.string({ maxLength: 20 }),
            parameters: fc.constant({ type: 'object', properties: {} }),
          }),
        }),
        { maxLength: 2 },
      ),
      tool_choice: fc.constantFrom('auto', 'none', 'required'),
      response_format: fc.constantFrom({ type: 'json_object' }, { type: 'text' }),
      metadata: fc.dictionary(fc.string({ maxLength: 5 }), fc.string({ maxLength: 5 }), { maxKeys: 3 }),
      logit_bias: fc.dictionary(fc.string({ maxLength: 5 }), nastyNumber, { maxKeys: 2 }),
    },
    { required: ['model', 'messages'] },
  );
}

/** The legacy completions body. */
export function legacyBody(models: string[]): fc.Arbitrary<Record<string, unknown>> {
  return mutatedObject(
    {
      prompt: fc.string({ maxLength: 40 }),
      provider: fc.constantFrom('openai', 'anthropic', 'bedrock', 'azure', 'nope'),
      model: fc.constantFrom(...models),
      max_tokens: fc.integer({ min: 1, max: 64 }),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    },
    { required: ['prompt'], extraKeys: true },
  );
}

/** Bodies of the auth routes: sign-in, refresh, logout. */
export const authBody = mutatedObject(
  {
    email: fc.emailAddress(),
    password: fc.string({ minLength: 12, maxLength: 30 }),
    refreshToken: fc.string({ maxLength: 80 }),
  },
  { extraKeys: true },
);

/** Task bodies: a type, an input of that type or not, maybe a webhook. */
export function taskBody(model: string): fc.Arbitrary<Record<string, unknown>> {
  const chatInput = mutatedObject(
    {
      model: fc.constant(model),
      messages: fc.constant([{ role: 'user', content: 'fuzz task' }]),
      max_tokens: fc.integer({ min: 1, max: 64 }),
      temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    },
    { required: ['model', 'messages'] },
  );
  const batchInput = mutatedObject(
    {
      requests: fc.array(chatInput, { minLength: 1, maxLength: 3 }),
      concurrency: fc.integer({ min: 1, max: 8 }),
    },
    { required: ['requests'] },
  );
  const chainInput = mutatedObject(
    {
      model: fc.constant(model),
      steps: fc.array(
        mutatedObject({ prompt: fc.string({ minLength: 1, maxLength: 20 }) }, { required: ['prompt'] }),
        { minLength: 1, maxLength: 3 },
      ),
    },
    { required: ['model', 'steps'] },
  );
  // A type with its own kind of input (mostly), so bodies get past the type check into the handlers.
  const typed = fc.oneof(
    { weight: 3, arbitrary: fc.record({ type: fc.constant('chat'), input: chatInput }) },
    { weight: 3, arbitrary: fc.record({ type: fc.constant('batch'), input: batchInput }) },
    { weight: 3, arbitrary: fc.record({ type: fc.constant('chain'), input: chainInput }) },
    { weight: 1, arbitrary: fc.record({ type: nastyValue, input: fc.oneof(chatInput, nastyValue) }) },
  );
  const webhookUrl = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom('https://93.184.215.14/hook', 'http://198.41.0.4:8080/x?y=1') },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        'http://127.0.0.1:9/x',
        'http://169.254.169.254/latest/meta-data/',
        'file:///etc/passwd',
        'gopher://127.0.0.1:6379/_FLUSHALL',
      ),
    },
    // IP literals and localhost only: a host name would send a DNS query off the machine.
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('http', 'https', 'ftp'),
          fc.oneof(
            fc.ipV4(),
            fc.ipV6().map((ip) => `[${ip}]`),
            fc.constant('localhost'),
          ),
          fc.integer({ min: 1, max: 65_535 }),
          fc.webPath(),
        )
        .map(([scheme, host, port, path]) => `${scheme}://${host}:${port}${path}`),
    },
    { weight: 1, arbitrary: nastyString },
  );
  const extra = rarely(unknownKeys);
  return fc
    .tuple(typed, fc.option(webhookUrl, { nil: undefined, freq: 2 }), extra)
    .map(([body, hook, unknownKeys]) => ({
      ...unknownKeys,
      ...body,
      ...(hook === undefined ? {} : { webhookUrl: hook }),
    }));
}

/** Path segments for ids: traversal, encodings, NULs, huge, unicode. */
export const hostileId = fc.oneof(
  fc.uuid(),
  fc.string({ minLength: 1, maxLength: 40 }).map(encodeURIComponent),
  fc.constantFrom(
    '..',
    '..%2f..%2fusers',
    '%2e%2e%2f%2e%2e%2fhealth',
    '..%252f..%252f',
    '%00',
    'a%00b',
    '%c0%ae%c0%ae%2f',
    '%ff%fe',
    '00000000-0000-0000-0000-000000000000',
    '00000000-0000-0000-0000-00000000000g',
    '1 OR 1=1',
    "1'%20OR%20'1'='1",
    'x'.repeat(3_000),
    '%F0%9F%A7%A8',
    '.%2e/.%2e/etc/passwd',
  ),
);
