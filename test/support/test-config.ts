import { validateConfig, type AppConfig } from '@app/config';

export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** A complete, valid config for tests; anything can be overridden (deep-merged one level per section). */
export function testConfig(opts: {
  databaseUrl: string;
  redisUrl: string;
  keyPrefix?: string;
  extra?: Record<string, unknown>;
}): AppConfig {
  const extra = opts.extra ?? {};
  const section = (name: string): Record<string, unknown> => (extra[name] as Record<string, unknown>) ?? {};
  return validateConfig({
    ...extra,
    server: { port: 0, host: '127.0.0.1', shutdownTimeoutMs: 5_000, ...section('server') },
    logging: { level: 'silent', ...section('logging') },
    database: { url: opts.databaseUrl, ...section('database') },
    redis: {
      url: opts.redisUrl,
      keyPrefix: opts.keyPrefix ?? 'test:',
      connectTimeoutMs: 1_000,
      ...section('redis'),
    },
    auth: { jwtSecret: TEST_JWT_SECRET, ...section('auth') },
    tasks: { healthPort: 0, ...section('tasks') },
  });
}

/** Environment for a spawned gateway process that uses no config file. */
export function testEnv(opts: {
  databaseUrl: string;
  redisUrl: string;
  extra?: Record<string, string>;
}): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CONFIG_FILE: '/dev/null',
    DATABASE_URL: opts.databaseUrl,
    REDIS_URL: opts.redisUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    HOST: '127.0.0.1',
    PORT: '0',
    WORKER_HEALTH_PORT: '0',
    LOG_LEVEL: 'info',
    ...opts.extra,
  };
}
