import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Connection details of the throwaway services the e2e global setup started. */
export function testRedisUrl(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url)
    throw new Error('TEST_REDIS_URL is not set: run e2e tests through jest (global setup starts Redis)');
  return url;
}

export function testDatabaseAdminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'TEST_DATABASE_URL is not set: run e2e tests through jest (global setup starts PostgreSQL)',
    );
  return url;
}

/** A key prefix no other test file shares, so tests can run in parallel on one Redis. */
export function uniquePrefix(label = 't'): string {
  return `${label}-${randomBytes(4).toString('hex')}:`;
}

/** Creates a fresh, empty database for one test file and returns its URL; drop it with `dropTestDatabase`. */
export async function createTestDatabase(): Promise<string> {
  const name = `mpb_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: testDatabaseAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(testDatabaseAdminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(databaseUrl: string): Promise<void> {
  const name = new URL(databaseUrl).pathname.slice(1);
  if (!/^mpb_[0-9a-f]{12}$/.test(name))
    throw new Error(`refusing to drop a database the tests did not create: ${name}`);
  const admin = new Client({ connectionString: testDatabaseAdminUrl() });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
