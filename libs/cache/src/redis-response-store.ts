import type { AppConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import type { ResponseStore } from './response-store';

const TIMED_OUT = Symbol('timed out');

/**
 * Encoded completions in the shared Redis under `<redis.keyPrefix>cache:<key>`: a lookup is one GET with
 * the cache's time limit, a store one SET with the TTL. Redis trouble is a miss, never an error.
 */
export class RedisResponseStore implements ResponseStore {
  private readonly logger = new Logger(RedisResponseStore.name);
  private readonly prefix: string;

  constructor(
    private readonly redis: Redis,
    private readonly config: Pick<AppConfig, 'redis' | 'cache'>,
  ) {
    this.prefix = `${config.redis.keyPrefix}cache:`;
  }

  async get(key: string): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.config.cache.lookupTimeoutMs);
    });
    try {
      const text = await Promise.race([this.redis.get(this.prefix + key), timeout]);
      return text === TIMED_OUT || text === null ? undefined : text;
    } catch (error) {
      this.logger.debug(`cache lookup failed, treated as a miss: ${String(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  set(key: string, text: string): void {
    this.redis.set(this.prefix + key, text, 'EX', this.config.cache.ttlSeconds).catch((error: unknown) => {
      this.logger.debug(`cache store failed: ${String(error)}`);
    });
  }
}
