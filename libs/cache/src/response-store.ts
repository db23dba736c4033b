/** Where encoded completions live: Redis (full mode) or process memory (embedded mode). */
export interface ResponseStore {
  /** The text under `key`; undefined on a miss, and on any trouble (a cache never fails a request). */
  get(key: string): string | undefined | Promise<string | undefined>;
  /** Fire and forget. */
  set(key: string, text: string): void;
}
