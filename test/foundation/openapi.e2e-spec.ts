import { Validator } from '@seriousme/openapi-schema-validator';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import { startApi, type RunningApi } from '../support/api-harness';
import { testConfig } from '../support/test-config';

describe('OpenAPI documentation', () => {
  let databaseUrl: string;
  let api: RunningApi;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    api = await startApi(testConfig({ databaseUrl, redisUrl: testRedisUrl(), keyPrefix: uniquePrefix() }));
  });

  afterAll(async () => {
    await api?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('serves a valid OpenAPI 3 document at /docs-json that documents every route', async () => {
    const res = await fetch(`${api.url}/docs-json`);
    expect(res.status).toBe(200);
    const document = (await res.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
  });

  it('serves the Swagger UI at /docs', async () => {
    const res = await fetch(`${api.url}/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
  });
});
