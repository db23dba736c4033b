import type { CacheConfig } from '@app/config';
import type { ChatRequest } from '@app/llm';

/** What the caller said about caching (HTTP: `Cache-Control` and `x-gateway-cache: on`). */
export interface CacheDirectives {
  /** Do not answer from the cache (a fresh answer may still be stored). */
  noCache?: boolean;
  /** Do not store this answer. */
  noStore?: boolean;
  /** Cache even though the request is not deterministic (temperature above 0 or unset). */
  optIn?: boolean;
}

/** hit: answered from the cache; miss: looked up, not there; bypass: the cache was not consulted. */
export type CacheStatus = 'hit' | 'miss' | 'bypass';

export interface CachePlan {
  lookup: boolean;
  store: boolean;
}

const NO_CACHING: CachePlan = Object.freeze({ lookup: false, store: false });

/**
 * Only deterministic requests (temperature 0) are cached unless the caller opts in; streams only when
 * `cache.cacheStreams` is on.
 */
export function planCaching(
  request: Pick<ChatRequest, 'temperature'>,
  directives: CacheDirectives | undefined,
  config: Pick<CacheConfig, 'enabled' | 'cacheStreams'>,
  streaming: boolean,
): CachePlan {
  if (!config.enabled || (streaming && !config.cacheStreams)) return NO_CACHING;
  if (request.temperature !== 0 && !directives?.optIn) return NO_CACHING;
  return { lookup: !directives?.noCache, store: !directives?.noStore };
}
