import Redis from 'ioredis';
import { Client } from 'pg';
import { createTestDatabase, dropTestDatabase, testRedisUrl } from './support/services';

describe('hermetic test services', () => {
  it('gives each test file its own PostgreSQL database and a reachable Redis', async () => {
    const url = await createTestDatabase();
    const client = new Client({ connectionString: url });
    await client.connect();
    const { rows } = await client.query<{ db: string }>('select current_database() as db');
    expect(`/${rows[0].db}`).toBe(new URL(url).pathname);
    await client.end();
    await dropTestDatabase(url);

    const redis = new Redis(testRedisUrl());
    expect(await redis.ping()).toBe('PONG');
    redis.disconnect();
  });
});
