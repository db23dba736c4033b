import { createHash } from 'node:crypto';
import type Redis from 'ioredis';

/**
 * A Lua script run in one round-trip: EVAL the first time (which also loads it into the script cache),
 * EVALSHA afterwards, and EVAL again only if Redis answers NOSCRIPT (restart or SCRIPT FLUSH).
 */
export class LuaScript {
  private readonly sha: string;
  private loaded = false;

  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    if (!this.loaded) return this.evalSource(redis, keys, args);
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.includes('NOSCRIPT')) throw error;
      return this.evalSource(redis, keys, args);
    }
  }

  private async evalSource(redis: Redis, keys: string[], args: Array<string | number>): Promise<unknown> {
    const reply = await redis.eval(this.source, keys.length, ...keys, ...args);
    this.loaded = true;
    return reply;
  }
}
