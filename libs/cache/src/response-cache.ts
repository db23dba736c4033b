import type { CacheConfig } from '@app/config';
import { decodeCachedCompletion, encodeCachedCompletion, type CachedCompletion } from './cached-completion';
import type { ResponseStore } from './response-store';

/**
 * Cached completions over a ResponseStore (Redis or memory, see CacheModule): a lookup is one read; a
 * store is encoded and written after the caller has its answer.
 */
export class ResponseCache {
  constructor(
    private readonly responses: ResponseStore,
    private readonly config: Pick<CacheConfig, 'maxEntryBytes'>,
  ) {}

  /** The entry under `key`, or undefined (absent, unreadable, or the store failed or was too slow). */
  async lookup(key: string): Promise<CachedCompletion | undefined> {
    const text = await this.responses.get(key);
    return text === undefined ? undefined : decodeCachedCompletion(text);
  }

  /** Fire-and-forget, off the request path; entries over `cache.maxEntryBytes` are not stored. */
  store(key: string, entry: CachedCompletion): void {
    setImmediate(() => {
      const text = encodeCachedCompletion(entry);
      if (Buffer.byteLength(text) > this.config.maxEntryBytes) return;
      this.responses.set(key, text);
    });
  }
}
