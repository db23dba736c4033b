import type Redis from 'ioredis';

/**
 * What REDIS_CLIENT resolves to in embedded mode: every service picks its in-process backend there, so
 * any call reaching this object is a bug; it fails loudly instead of hanging on a server that is not there.
 */
/** Nest looks these up on every provider value; absent means "no hook", not a Redis call. */
const NEST_HOOKS = new Set<PropertyKey>([
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

export function absentRedis(): Redis {
  const fail = (property: PropertyKey): never => {
    throw new Error(`Redis is not used in embedded mode (called redis.${String(property)})`);
  };
  return new Proxy({} as Redis, {
    get: (_, property) => {
      if (property === 'status') return 'end';
      if (property === 'then') return undefined; // not a thenable: Nest may await a provider's value
      if (NEST_HOOKS.has(property)) return undefined;
      return () => fail(property);
    },
  });
}
