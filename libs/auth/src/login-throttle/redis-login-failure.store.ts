import type Redis from 'ioredis';
import type { FailureRecord } from './lockout-policy';
import { LoginFailureStore } from './login-failure.store';

/** Failure records as Redis hashes (`n` failures, `t` last failure ms): one round-trip per call. */
export class RedisLoginFailureStore extends LoginFailureStore {
  constructor(private readonly redis: Redis) {
    super();
  }

  async read(keys: readonly string[]): Promise<(FailureRecord | undefined)[]> {
    const pipeline = this.redis.pipeline();
    for (const key of keys) pipeline.hmget(key, 'n', 't');
    const replies = await pipeline.exec();
    if (!replies || replies.length !== keys.length) throw new Error('no reply to the lockout read');
    return replies.map(([error, reply]) => {
      if (error) throw error;
      return toRecord(reply);
    });
  }

  async recordFailure(keys: readonly string[], now: number, keepMs: number): Promise<void> {
    const multi = this.redis.multi();
    for (const key of keys) multi.hincrby(key, 'n', 1).hset(key, 't', now).pexpire(key, keepMs);
    await multi.exec();
  }

  async clear(key: string): Promise<void> {
    await this.redis.del(key);
  }
}

function toRecord(reply: unknown): FailureRecord | undefined {
  if (!Array.isArray(reply)) return undefined;
  const failures = Number(reply[0]);
  const lastFailureAt = Number(reply[1]);
  if (!Number.isFinite(failures) || !Number.isFinite(lastFailureAt) || failures <= 0) return undefined;
  return { failures, lastFailureAt };
}
