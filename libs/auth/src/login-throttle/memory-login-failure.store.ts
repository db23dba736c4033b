import { LRUCache } from 'lru-cache';
import type { FailureRecord } from './lockout-policy';
import { LoginFailureStore } from './login-failure.store';

/** Past this many emails and IPs the least recently failed are forgotten (memory stays bounded). */
const MAX_RECORDS = 100_000;

/** Failure records in this process (embedded mode), each expiring `keepMs` after its last failure. */
export class MemoryLoginFailureStore extends LoginFailureStore {
  private readonly records: LRUCache<string, FailureRecord>;

  constructor(clock: () => number = () => Date.now(), maxRecords = MAX_RECORDS) {
    super();
    // ttlResolution 0: read the clock on every check rather than caching it behind a timer.
    this.records = new LRUCache<string, FailureRecord>({
      max: maxRecords,
      perf: { now: clock },
      ttlResolution: 0,
    });
  }

  async read(keys: readonly string[]): Promise<(FailureRecord | undefined)[]> {
    return keys.map((key) => this.records.get(key));
  }

  async recordFailure(keys: readonly string[], now: number, keepMs: number): Promise<void> {
    for (const key of keys) {
      const failures = (this.records.get(key)?.failures ?? 0) + 1;
      this.records.set(key, { failures, lastFailureAt: now }, { ttl: Math.max(1, keepMs) });
    }
  }

  async clear(key: string): Promise<void> {
    this.records.delete(key);
  }
}
