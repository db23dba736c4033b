import type { CacheConfig } from '@app/config';
import { LRUCache } from 'lru-cache';
import type { ResponseStore } from './response-store';

/** In-memory cache budget when there is no Redis: entries are dropped least recently used first. */
export const DEFAULT_MEMORY_CACHE_BYTES = 64 * 1024 * 1024;

export interface MemoryResponseStoreOptions {
  /** Total size of the stored entries (UTF-8 bytes). Default DEFAULT_MEMORY_CACHE_BYTES. */
  maxBytes?: number;
  clock?: () => number;
}

/**
 * Encoded completions in process memory (embedded mode), with Redis's TTL and entry-size rules: lru-cache
 * does the expiry and the size bound. Entries are kept as the same text the Redis store holds, so each hit
 * decodes a fresh copy that no caller can alter for the next one.
 */
export class MemoryResponseStore implements ResponseStore {
  private readonly entries: LRUCache<string, string>;

  constructor(
    config: Pick<CacheConfig, 'ttlSeconds' | 'maxEntryBytes'>,
    options: MemoryResponseStoreOptions = {},
  ) {
    const maxBytes = options.maxBytes ?? DEFAULT_MEMORY_CACHE_BYTES;
    this.entries = new LRUCache<string, string>({
      ttl: config.ttlSeconds * 1_000,
      maxSize: maxBytes,
      maxEntrySize: Math.min(config.maxEntryBytes, maxBytes),
      sizeCalculation: (text) => Math.max(1, Buffer.byteLength(text)),
      ...(options.clock && { perf: { now: options.clock }, ttlResolution: 0 }),
    });
  }

  get(key: string): string | undefined {
    return this.entries.get(key);
  }

  set(key: string, text: string): void {
    this.entries.set(key, text);
  }

  /** Entries held now (expired ones are dropped as they are read). */
  get size(): number {
    return this.entries.size;
  }
}
