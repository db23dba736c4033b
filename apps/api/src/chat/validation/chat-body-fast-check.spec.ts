import { ValidationPipe, type ArgumentMetadata } from '@nestjs/common';
import fc from 'fast-check';
import { ChatCompletionRequestDto } from '../dto/chat-completion-request.dto';
import { isCertainlyValidChatBody } from './chat-body-fast-check';

/** The api's global pipe options (create-api-app.ts). */
const pipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  stopAtFirstError: false,
});
const metadata: ArgumentMetadata = { type: 'body', metatype: ChatCompletionRequestDto };

async function dtoAccepts(body: unknown): Promise<boolean> {
  return pipe.transform(structuredClone(body), metadata).then(
    () => true,
    () => false,
  );
}

/** Valid bodies of every shape the DTO allows... */
const text = fc.string({ minLength: 1, maxLength: 8 });
const optional = { requiredKeys: [] as never[] };
const toolCall = fc.record({
  id: text,
  type: fc.constant('function'),
  function: fc.record({ name: text, arguments: fc.string({ maxLength: 8 }) }),
});
const part = fc.oneof(
  fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 8 }) }),
  fc.record({
    type: fc.constant('image_url'),
    image_url: fc.record(
      { url: text, detail: fc.constantFrom('auto', 'low', 'high') },
      { requiredKeys: ['url'] },
    ),
  }),
);
const textPart = fc.record({ type: fc.constant('text'), text: fc.string({ maxLength: 8 }) });
const message = fc.oneof(
  fc.record(
    {
      role: fc.constantFrom('system', 'developer'),
      content: fc.oneof(fc.string(), fc.array(textPart, { minLength: 1, maxLength: 2 })),
      name: text,
    },
    { requiredKeys: ['role', 'content'] },
  ),
  fc.record(
    {
      role: fc.constant('user'),
      content: fc.oneof(fc.string(), fc.array(part, { minLength: 1, maxLength: 2 })),
      name: text,
    },
    { requiredKeys: ['role', 'content'] },
  ),
  fc.record({
    role: fc.constant('assistant'),
    content: fc.constant(null),
    tool_calls: fc.array(toolCall, { minLength: 1, maxLength: 2 }),
  }),
  fc.record({ role: fc.constant('tool'), content: fc.string(), tool_call_id: text }),
);
const tool = fc.record({
  type: fc.constant('function'),
  function: fc.record(
    {
      name: fc.constantFrom('get_weather', 'f-1'),
      description: fc.string(),
      parameters: fc.constant({ type: 'object' }),
      strict: fc.boolean(),
    },
    { requiredKeys: ['name'] },
  ),
});
const validBody = fc.record(
  {
    model: text,
    messages: fc.array(message, { minLength: 1, maxLength: 3 }),
    stream: fc.boolean(),
    stream_options: fc.record({ include_usage: fc.boolean() }, optional),
    temperature: fc.double({ min: 0, max: 2, noNaN: true }),
    top_p: fc.double({ min: 0, max: 1, noNaN: true }),
    max_tokens: fc.integer({ min: 1, max: 4096 }),
    max_completion_tokens: fc.integer({ min: 1, max: 4096 }),
    n: fc.constant(1),
    stop: fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 4 })),
    tools: fc.array(tool, { maxLength: 2 }),
    tool_choice: fc.constantFrom('auto', 'none', 'required', { type: 'function', function: { name: 'f' } }),
    parallel_tool_calls: fc.boolean(),
    response_format: fc.record({ type: fc.constantFrom('text', 'json_object') }),
    seed: fc.integer(),
    user: fc.string({ maxLength: 8 }),
    presence_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    frequency_penalty: fc.double({ min: -2, max: 2, noNaN: true }),
    logit_bias: fc.constant({ '42': 1 }),
    logprobs: fc.constant(false),
    top_logprobs: fc.integer({ min: 0, max: 20 }),
    metadata: fc.constant({ team: 'a' }),
    store: fc.boolean(),
  },
  { requiredKeys: ['model', 'messages'] },
);

/** ...then broken in one or two places: a field (known or not, at any depth) set to an odd value. */
const PATHS = [
  'model',
  'messages',
  'stream',
  'stream_options',
  'stream_options.include_usage',
  'stream_options.x',
  'temperature',
  'top_p',
  'max_tokens',
  'max_completion_tokens',
  'n',
  'stop',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'response_format',
  'response_format.type',
  'response_format.json_schema',
  'seed',
  'user',
  'presence_penalty',
  'frequency_penalty',
  'logit_bias',
  'logprobs',
  'top_logprobs',
  'metadata',
  'store',
  'unknown',
  'messages.0',
  'messages.0.role',
  'messages.0.content',
  'messages.0.content.0',
  'messages.0.content.0.type',
  'messages.0.content.0.image_url',
  'messages.0.name',
  'messages.0.tool_calls',
  'messages.0.tool_calls.0',
  'messages.0.tool_calls.0.id',
  'messages.0.tool_calls.0.type',
  'messages.0.tool_calls.0.function',
  'messages.0.tool_calls.0.function.name',
  'messages.0.tool_calls.0.function.arguments',
  'messages.0.tool_calls.0.x',
  'messages.0.tool_call_id',
  'messages.0.x',
  'tools.0',
  'tools.0.type',
  'tools.0.function',
  'tools.0.function.name',
  'tools.0.function.description',
  'tools.0.function.parameters',
  'tools.0.function.strict',
  'tools.0.x',
  'tools.0.function.x',
];
/** Values at and just past every limit the DTOs set, and a few of the wrong type. */
const ODD_VALUES: unknown[] = [
  null,
  '',
  'a',
  'a'.repeat(64),
  'a'.repeat(65),
  'a'.repeat(256),
  'a'.repeat(257),
  '😀'.repeat(200),
  'a'.repeat(4097),
  0,
  -0.0001,
  1,
  1.0001,
  -1,
  1.5,
  2,
  2.0001,
  -2,
  -2.0001,
  20,
  21,
  [],
  [1],
  ['a', 'b', 'c', 'd', 'e'],
  {},
  { x: 1 },
  true,
  false,
  'function',
  'tool',
  'robot',
  'assistant',
  'user',
  'text',
  'image_url',
  'json_schema',
  'bad name',
  'auto',
  'sometimes',
];
const odd = fc.oneof(
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 4, arbitrary: fc.constantFrom(...ODD_VALUES) },
);
const mutation = fc.record({ path: fc.constantFrom(...PATHS), value: odd });
interface Mutation {
  path: string;
  value: unknown;
}
function mutate(body: object, mutations: Mutation[]): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const { path, value } of mutations) {
    const keys = path.split('.');
    let target: unknown = copy;
    for (const key of keys.slice(0, -1))
      target = target && typeof target === 'object' ? (target as Record<string, unknown>)[key] : undefined;
    if (target && typeof target === 'object')
      (target as Record<string, unknown>)[keys[keys.length - 1]] = value;
  }
  return copy;
}
const body = fc.oneof(
  { weight: 1, arbitrary: validBody },
  {
    weight: 4,
    arbitrary: fc
      .tuple(validBody, fc.array(mutation, { minLength: 1, maxLength: 2 }))
      .map(([b, m]) => mutate(b, m)),
  },
);

/** Bodies touching every part of the DTO, for the exhaustive pass. */
const BASES: object[] = [
  {
    model: 'm',
    messages: [
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'u', detail: 'low' } }], name: 'n' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{}' } }],
      },
      { role: 'tool', content: 'r', tool_call_id: 'c' },
    ],
    stream: true,
    stream_options: { include_usage: true },
    temperature: 1,
    top_p: 0.5,
    max_tokens: 10,
    n: 1,
    stop: 'END',
    tools: [{ type: 'function', function: { name: 'f', description: 'd', parameters: {}, strict: true } }],
    tool_choice: 'auto',
    response_format: { type: 'text' },
    seed: 1,
    user: 'u',
    presence_penalty: 0,
    frequency_penalty: 0,
    top_logprobs: 1,
  },
  {
    model: 'm',
    messages: [
      { role: 'tool', content: 'r', tool_call_id: 'c' },
      { role: 'system', content: [{ type: 'text', text: 't' }] },
    ],
    tools: [{ type: 'function', function: { name: 'f' } }],
  },
];

describe('isCertainlyValidChatBody', () => {
  it('never vouches for a body the DTO refuses: every limit on every field', async () => {
    for (const base of BASES) {
      for (const path of PATHS) {
        for (const value of ODD_VALUES) {
          const candidate = mutate(base, [{ path, value }]);
          if (isCertainlyValidChatBody(candidate) && !(await dtoAccepts(candidate))) {
            throw new Error(`vouched for a refused body: ${path} = ${JSON.stringify(value)}`);
          }
        }
      }
    }
  });

  it('never vouches for a body the DTO refuses: random bodies, one or two odd fields', async () => {
    let vouched = 0;
    await fc.assert(
      fc.asyncProperty(body, async (candidate) => {
        if (!isCertainlyValidChatBody(candidate)) return;
        vouched++;
        expect(await dtoAccepts(candidate)).toBe(true);
      }),
      { numRuns: 4000 },
    );
    // the generator reaches the fast path often enough for the property to mean something
    expect(vouched).toBeGreaterThan(200);
  });

  it('takes the fast path for every valid body it was written for', async () => {
    await fc.assert(
      fc.asyncProperty(validBody, async (candidate) => {
        expect(await dtoAccepts(candidate)).toBe(true);
        expect(isCertainlyValidChatBody(candidate)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it.each<[string, unknown]>([
    ['a plain chat', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }],
    [
      'a stream with options',
      {
        model: 'm',
        messages: [
          { role: 'system', content: 's' },
          { role: 'user', content: [{ type: 'text', text: 'x' }] },
        ],
        stream: true,
        stream_options: { include_usage: true },
        temperature: 0,
        max_tokens: 64,
        stop: ['END'],
        user: 'u-1',
        response_format: { type: 'json_object' },
      },
    ],
    [
      'a tool round-trip',
      {
        model: 'm',
        messages: [
          { role: 'user', content: 'weather?' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 'c1', type: 'function', function: { name: 'get_weather', arguments: '{}' } }],
          },
          { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
        ],
        tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } }],
        tool_choice: 'auto',
      },
    ],
  ])('takes the fast path for %s, and the DTO agrees', async (_name, candidate) => {
    expect(isCertainlyValidChatBody(candidate)).toBe(true);
    expect(await dtoAccepts(candidate)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['an unknown field', { model: 'm', messages: [{ role: 'user', content: 'x' }], temperature_x: 1 }],
    ['no messages', { model: 'm', messages: [] }],
    ['a tool message without its call id', { model: 'm', messages: [{ role: 'tool', content: 'x' }] }],
    [
      'a json_schema format (left to the DTO)',
      { model: 'm', messages: [], response_format: { type: 'json_schema' } },
    ],
  ])('leaves %s to the ValidationPipe', (_name, candidate) => {
    expect(isCertainlyValidChatBody(candidate)).toBe(false);
  });
});
