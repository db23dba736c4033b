import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Lua script that costs one round-trip: EVALSHA once Redis knows it, EVAL the first time and whenever
 * Redis answers NOSCRIPT (after a restart or SCRIPT FLUSH).
 */
export class RedisLuaScript {
  private readonly sha: string;
  private knownToRedis = false;

  constructor(readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: readonly string[], args: ReadonlyArray<string | number>): Promise<unknown> {
    if (this.knownToRedis) {
      try {
        return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      }
    }
    const reply = await redis.eval(this.source, keys.length, ...keys, ...args);
    this.knownToRedis = true;
    return reply;
  }
}
