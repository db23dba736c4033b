import { validateConfig, type AppConfig } from '@app/config';
import { PostgresQueueBackend } from 'bullmq';
import { bullmqPrefix, closeQueueConnection, createQueue, openQueueConnection } from './queue-connection';

function config(mode: 'full' | 'embedded'): AppConfig {
  return validateConfig({
    mode,
    database: { url: 'postgres://postgres@127.0.0.1:1/none' },
    redis: { url: 'redis://127.0.0.1:1', keyPrefix: 'x:' },
    auth: { jwtSecret: 'queue-connection-spec-secret-0123456789' },
  });
}

describe('queue connection', () => {
  it('embedded mode: BullMQ on the database (PostgreSQL backend), no Redis connection', async () => {
    const connection = openQueueConnection(config('embedded'), 'spec');
    expect(connection).toEqual({
      kind: 'postgres',
      postgres: expect.objectContaining({ connectionString: 'postgres://postgres@127.0.0.1:1/none' }),
    });
    const queue = createQueue('spec', connection);
    expect(queue.backend).toBeInstanceOf(PostgresQueueBackend);
    await queue.close();
  });

  it('full mode: one Redis connection with the key prefix', async () => {
    const connection = openQueueConnection(config('full'), 'spec');
    expect(connection.kind).toBe('redis');
    expect(connection.kind === 'redis' && connection.prefix).toBe('x');
    await closeQueueConnection(connection);
    if (connection.kind === 'redis') connection.redis.disconnect();
  });

  it('derives the BullMQ prefix from redis.keyPrefix', () => {
    expect(bullmqPrefix('mpb:')).toBe('mpb');
    expect(bullmqPrefix('')).toBe('bull');
  });
});
