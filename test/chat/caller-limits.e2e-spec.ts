import OpenAI from 'openai';
import { ADMIN, createApiKey, signIn } from '../auth/support/auth-client';
import { signTestAccessToken } from '../support/auth';
import { MODELS, startChatTestbed, type ChatTestbed } from './support/chat-testbed';

function clientFor(bed: ChatTestbed, apiKey: string): OpenAI {
  return new OpenAI({ baseURL: `${bed.url}/v1`, apiKey, maxRetries: 0 });
}

const HELLO = { model: MODELS.openai, messages: [{ role: 'user' as const, content: 'hi' }] };

describe('chat routes and the caller: scopes and token budgets', () => {
  let bed: ChatTestbed;
  let adminToken: string;

  beforeAll(async () => {
    bed = await startChatTestbed({
      auth: { bootstrapAdminEmail: ADMIN.email, bootstrapAdminPassword: ADMIN.password },
    });
    adminToken = (await signIn(bed.url, ADMIN.email, ADMIN.password)).accessToken;
  });
  afterEach(() => bed.fake.reset());
  afterAll(() => bed?.close());

  it('serves an API key with the chat scope, and refuses one without it (403)', async () => {
    const chatKey = await createApiKey(bed.url, adminToken, { name: 'chat', scopes: ['chat'] });
    const answer = await clientFor(bed, chatKey.key).chat.completions.create(HELLO);
    expect(answer.choices[0].message.content).toBe('echo: hi');

    const tasksKey = await createApiKey(bed.url, adminToken, { name: 'tasks', scopes: ['tasks'] });
    const refused = await clientFor(bed, tasksKey.key)
      .chat.completions.create(HELLO)
      .then(
        () => undefined,
        (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
      );
    expect(refused?.status).toBe(403);
    expect(refused?.type).toBe('permission_error');
    expect(bed.fake.calls).toHaveLength(1);
  });

  it('charges the tokens a completion used and refuses the caller once the budget is spent', async () => {
    const client = clientFor(bed, signTestAccessToken({ limits: { rpm: 0, tpm: 100, tpd: 0 } }));
    bed.fake.enqueue('openai', { kind: 'ok', usage: { input: 90, output: 20 } });
    await client.chat.completions.create(HELLO);

    // the charge is fire-and-forget: give it a moment to land in Redis
    let refused: InstanceType<typeof OpenAI.APIError> | undefined;
    const deadline = Date.now() + 2_000;
    while (!refused && Date.now() < deadline) {
      refused = await client.chat.completions.create(HELLO).then(
        () => undefined,
        (error: unknown) => error as InstanceType<typeof OpenAI.APIError>,
      );
    }
    expect(refused?.status).toBe(429);
    expect(refused?.code).toBe('rate_limited');
    expect(refused?.type).toBe('rate_limit_error');
    expect(Number(refused?.headers?.get('retry-after'))).toBeGreaterThan(0);
  });
});
