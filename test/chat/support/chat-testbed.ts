import OpenAI from 'openai';
import { startApi, type RunningApi } from '../../support/api-harness';
import { signTestAccessToken } from '../../support/auth';
import { FakeVendorServer } from '../../support/fake-vendors';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../../support/services';
import { testConfig } from '../../support/test-config';

/** Model names the testbed's deployments serve, one per vendor, plus one served twice (fallback). */
export const MODELS = {
  openai: 'gpt-4o-mini',
  /** openai-main first (no retries), then azure-west */
  twoDeployments: 'gpt-4o',
  anthropic: 'claude-sonnet',
  bedrock: 'claude-bedrock',
} as const;

export const ANTHROPIC_MAX_OUTPUT = 1024;

/** One deployment per vendor type, all at the fake vendor server. */
export function fakeDeployments(fakeUrl: string): Record<string, unknown>[] {
  return [
    {
      id: 'openai-main',
      type: 'openai',
      apiKey: 'sk-test-openai',
      baseUrl: `${fakeUrl}/v1`,
      models: [{ name: MODELS.openai }, { name: MODELS.twoDeployments }],
      priority: 0,
      maxRetries: 0,
      timeoutMs: 5_000,
    },
    {
      id: 'azure-west',
      type: 'azure',
      apiKey: 'az-test-key',
      endpoint: fakeUrl,
      apiVersion: '2024-10-21',
      models: [{ name: MODELS.twoDeployments, model: 'gpt4o-prod' }],
      priority: 1,
      maxRetries: 0,
      timeoutMs: 5_000,
    },
    {
      id: 'anthropic-main',
      type: 'anthropic',
      apiKey: 'sk-ant-test',
      baseUrl: fakeUrl,
      models: [{ name: MODELS.anthropic, model: 'claude-sonnet-4-5', maxOutputTokens: ANTHROPIC_MAX_OUTPUT }],
      maxRetries: 0,
      timeoutMs: 5_000,
    },
    {
      id: 'bedrock-east',
      type: 'bedrock',
      region: 'us-east-1',
      accessKeyId: 'AKIDFAKE',
      secretAccessKey: 'fake-secret',
      baseUrl: fakeUrl,
      models: [
        { name: MODELS.bedrock, model: 'anthropic.claude-3-5-sonnet-20241022-v2:0', maxOutputTokens: 2048 },
      ],
      maxRetries: 0,
      timeoutMs: 5_000,
    },
  ];
}

export interface ChatTestbed {
  fake: FakeVendorServer;
  api: RunningApi;
  /** the api's base URL */
  url: string;
  keyPrefix: string;
  /** a signed-in user's access token (no rate or token limits) */
  token: string;
  /** the official OpenAI client pointed at the gateway's /v1 */
  openai: OpenAI;
  /** another user's client: its own cache scope */
  otherUser: OpenAI;
  close(): Promise<void>;
}

/**
 * The real api (Fastify, guards, pipes, filters) with one deployment per vendor at a fake vendor server,
 * a fresh database and Redis prefix. `config` is merged into the test config per section.
 */
export async function startChatTestbed(
  config: Record<string, Record<string, unknown>> = {},
  redisUrl = testRedisUrl(),
): Promise<ChatTestbed> {
  const fake = await FakeVendorServer.start();
  const databaseUrl = await createTestDatabase();
  const keyPrefix = uniquePrefix('chat');
  const api = await startApi(
    testConfig({
      databaseUrl,
      redisUrl,
      keyPrefix,
      extra: {
        ...config,
        providers: fakeDeployments(fake.url),
        routing: {
          retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 5 },
          breaker: { failureThreshold: 1_000, minRequests: 1_000 },
          ...config.routing,
        },
      },
    }),
  );
  const unlimited = { rpm: 0, tpm: 0, tpd: 0 };
  const token = signTestAccessToken({ limits: unlimited });
  const client = (apiKey: string): OpenAI =>
    new OpenAI({ baseURL: `${api.url}/v1`, apiKey, maxRetries: 0, timeout: 10_000 });
  return {
    fake,
    api,
    url: api.url,
    keyPrefix,
    token,
    openai: client(token),
    otherUser: client(signTestAccessToken({ limits: unlimited })),
    async close() {
      await api.close();
      await fake.close();
      await dropTestDatabase(databaseUrl);
    },
  };
}

/** Headers for a raw fetch as the testbed's user. */
export function authorized(
  testbed: ChatTestbed,
  headers: Record<string, string> = {},
): Record<string, string> {
  return { authorization: `Bearer ${testbed.token}`, 'content-type': 'application/json', ...headers };
}
