import { isEmbedded, type AppConfig } from '@app/config';
import {
  createPostgresBackend,
  Queue,
  runMigrations,
  Worker,
  type PostgresPoolConfig,
  type Processor,
  type QueueOptions,
  type WorkerOptions,
} from 'bullmq';
import type Redis from 'ioredis';
import { Client } from 'pg';
import { createRedisClient } from '../redis-client.factory';

/**
 * Where BullMQ keeps jobs: Redis (full mode), or PostgreSQL through BullMQ's own PostgreSQL backend
 * (embedded mode, schema `bullmq` in the embedded database).
 */
export type QueueConnection =
  | { readonly kind: 'redis'; readonly redis: Redis; readonly prefix: string }
  | { readonly kind: 'postgres'; readonly postgres: PostgresPoolConfig };

export const QUEUE_SCHEMA = 'bullmq';

/**
 * How long a PostgreSQL-backed worker waits for a NOTIFY before it looks for jobs anyway (seconds,
 * BullMQ's drainDelay). Notifications wake it at once; this only bounds a missed one.
 */
const POSTGRES_POLL_SECONDS = 5;

type QueueSettings = Omit<QueueOptions, 'connection' | 'prefix'>;
type WorkerSettings = Omit<WorkerOptions, 'connection' | 'prefix'>;

/** BullMQ joins prefix and queue name with ':'; `mpb:` as redis.keyPrefix gives `mpb:tasks:...` keys. */
export function bullmqPrefix(keyPrefix: string): string {
  return keyPrefix.replace(/:+$/, '') || 'bull';
}

/** A connection for queues named `name` (the Redis connection name); close it with closeQueueConnection. */
export function openQueueConnection(config: AppConfig, name: string): QueueConnection {
  if (isEmbedded(config)) {
    return { kind: 'postgres', postgres: { connectionString: config.database.url, max: 4 } };
  }
  return {
    kind: 'redis',
    redis: createRedisClient(config.redis, 'queue', name),
    prefix: bullmqPrefix(config.redis.keyPrefix),
  };
}

/** Ends the Redis connection (Queue/Worker close their own PostgreSQL pools). */
export async function closeQueueConnection(connection: QueueConnection | undefined): Promise<void> {
  if (connection?.kind !== 'redis') return;
  const { redis } = connection;
  if (redis.status === 'end') return;
  await redis.quit().catch(() => {
    if (redis.status !== 'end') redis.disconnect();
  });
}

// The backend type parameters of Queue/Worker only describe BullMQ's internals; the API used here is the
// same for both backends, hence the casts to the default (Redis) instantiation.
export function createQueue<T>(
  name: string,
  connection: QueueConnection,
  settings: QueueSettings = {},
): Queue<T> {
  const queue =
    connection.kind === 'redis'
      ? new Queue<T>(name, { ...settings, connection: connection.redis, prefix: connection.prefix })
      : (new Queue(
          name,
          { ...settings, connection: connection.postgres },
          createPostgresBackend,
        ) as unknown as Queue<T>);
  queue.on('error', () => undefined);
  return queue;
}

export function createWorker<T>(
  name: string,
  processor: Processor<T>,
  connection: QueueConnection,
  settings: WorkerSettings = {},
): Worker<T> {
  if (connection.kind === 'redis') {
    return new Worker<T>(name, processor, {
      ...settings,
      connection: connection.redis,
      prefix: connection.prefix,
    });
  }
  const options = { drainDelay: POSTGRES_POLL_SECONDS, ...settings, connection: connection.postgres };
  return new Worker(name, processor, options, createPostgresBackend) as unknown as Worker<T>;
}

/** Creates or upgrades BullMQ's schema in the embedded database (once, before any queue opens). */
export async function migrateQueueSchema(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await runMigrations(client, QUEUE_SCHEMA);
  } finally {
    await client.end();
  }
}
