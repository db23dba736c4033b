import type { FailureRecord } from './lockout-policy';

/**
 * Where failed sign-ins are counted: Redis in full mode (every api instance sees them), the process's
 * memory in embedded mode. Every method may reject; LoginThrottleService decides what that means.
 */
export abstract class LoginFailureStore {
  /** The record under each key, in the keys' order (undefined: no recent failures). */
  abstract read(keys: readonly string[]): Promise<(FailureRecord | undefined)[]>;

  /** Counts one more failure at `now` under each key, and keeps each record `keepMs` from now. */
  abstract recordFailure(keys: readonly string[], now: number, keepMs: number): Promise<void>;

  abstract clear(key: string): Promise<void>;
}
