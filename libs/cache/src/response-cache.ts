import type { AppConfig, CacheConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { decodeCachedCompletion, encodeCachedCompletion, type CachedCompletion } from './cached-completion';
import type { MemoryResponseStore } from './memory-response-store';

const TIMED_OUT = Symbol('timed out');

/**
 * Completions in the shared Redis under `<redis.keyPrefix>cache:<key>`. A lookup is one GET; a store is
 * one SET with the TTL, sent after the caller has its answer. Redis trouble is a miss, never an error.
 * Given a `memory` store (embedded mode, see CacheModule), entries live there and Redis is never called.
 */
export class ResponseCache {
  private readonly logger = new Logger(ResponseCache.name);
  private readonly prefix: string;
  private readonly config: CacheConfig;

  constructor(
    private readonly redis: Redis,
    appConfig: AppConfig,
    private readonly memory?: MemoryResponseStore,
  ) {
    this.prefix = `${appConfig.redis.keyPrefix}cache:`;
    this.config = appConfig.cache;
  }

  /** The entry under `key`, or undefined (absent, unreadable, Redis down or slower than the timeout). */
  async lookup(key: string): Promise<CachedCompletion | undefined> {
    if (this.memory) {
      const text = this.memory.get(key);
      return text === undefined ? undefined : decodeCachedCompletion(text);
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
      timer = setTimeout(() => resolve(TIMED_OUT), this.config.lookupTimeoutMs);
    });
    try {
      const text = await Promise.race([this.redis.get(this.prefix + key), timeout]);
      if (text === TIMED_OUT || text === null) return undefined;
      return decodeCachedCompletion(text);
    } catch (error) {
      this.logger.debug(`cache lookup failed, treated as a miss: ${String(error)}`);
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fire-and-forget, off the request path; entries over `cache.maxEntryBytes` are not stored. */
  store(key: string, entry: CachedCompletion): void {
    setImmediate(() => {
      const text = encodeCachedCompletion(entry);
      if (Buffer.byteLength(text) > this.config.maxEntryBytes) return;
      if (this.memory) {
        this.memory.set(key, text);
        return;
      }
      this.redis.set(this.prefix + key, text, 'EX', this.config.ttlSeconds).catch((error: unknown) => {
        this.logger.debug(`cache store failed: ${String(error)}`);
      });
    });
  }
}
