import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { sha256Hex } from '../shared/secret-digest';
import { errorMessage, ThrottledWarning } from '../shared/throttled-warning';
import { lockRemainingMs, type FailureRecord, type LockoutPolicy } from './lockout-policy';

/**
 * Slows password guessing: failed sign-ins are counted per email (whether or not it exists, so a lock
 * says nothing about the account) and per client IP, in Redis so every api instance sees them. Past a
 * threshold each further failure doubles the lock. Checking costs one round-trip, as does recording.
 * When Redis cannot answer, sign-in is refused (503) rather than left unguarded.
 */
@Injectable()
export class LoginThrottleService {
  private readonly warning = new ThrottledWarning(new Logger(LoginThrottleService.name));

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async assertNotLocked(email: string, clientIp: string): Promise<void> {
    const keys = this.keys(email, clientIp);
    let replies: [Error | null, unknown][] | null;
    try {
      replies = await this.redis.pipeline().hmget(keys.account, 'n', 't').hmget(keys.ip, 'n', 't').exec();
    } catch (error) {
      this.warning.warn(`sign-in refused: lockout state unavailable (${errorMessage(error)})`);
      throw unavailable();
    }
    const failed = replies?.find(([error]) => error);
    if (!replies || failed) throw unavailable();
    const now = Date.now();
    const { accountPolicy, ipPolicy } = this.policies();
    const waitMs = Math.max(
      lockRemainingMs(toRecord(replies[0][1]), now, accountPolicy),
      lockRemainingMs(toRecord(replies[1][1]), now, ipPolicy),
    );
    if (waitMs > 0) {
      throw new DomainException({
        status: 429,
        code: ErrorCode.RateLimited,
        message: 'Too many failed sign-in attempts; try again later',
        retryAfterMs: waitMs,
      });
    }
  }

  async recordFailure(email: string, clientIp: string): Promise<void> {
    const { account, ip } = this.keys(email, clientIp);
    const { windowMs, maxDelayMs } = this.config.auth.loginLockout;
    // Keep the record at least as long as the longest lock, or a long lock would end early.
    const keepMs = Math.max(windowMs, maxDelayMs);
    const now = Date.now();
    try {
      await this.redis
        .multi()
        .hincrby(account, 'n', 1)
        .hset(account, 't', now)
        .pexpire(account, keepMs)
        .hincrby(ip, 'n', 1)
        .hset(ip, 't', now)
        .pexpire(ip, keepMs)
        .exec();
    } catch (error) {
      this.warning.warn(`failed sign-in not counted: ${errorMessage(error)}`);
    }
  }

  /** A successful sign-in clears the email's count; the IP's decays on its own (one good account must not reset it). */
  async recordSuccess(email: string): Promise<void> {
    await this.redis.del(this.keys(email, '').account).catch((error: unknown) => {
      this.warning.warn(`sign-in success not recorded: ${errorMessage(error)}`);
    });
  }

  private keys(email: string, clientIp: string): { account: string; ip: string } {
    const prefix = `${this.config.redis.keyPrefix}login:`;
    // Hashed: Redis never holds a plain email address.
    return { account: `${prefix}acct:${sha256Hex(email)}`, ip: `${prefix}ip:${clientIp}` };
  }

  private policies(): { accountPolicy: LockoutPolicy; ipPolicy: LockoutPolicy } {
    const { accountThreshold, ipThreshold, baseDelayMs, maxDelayMs } = this.config.auth.loginLockout;
    return {
      accountPolicy: { threshold: accountThreshold, baseDelayMs, maxDelayMs },
      ipPolicy: { threshold: ipThreshold, baseDelayMs, maxDelayMs },
    };
  }
}

function toRecord(reply: unknown): FailureRecord | undefined {
  if (!Array.isArray(reply)) return undefined;
  const failures = Number(reply[0]);
  const lastFailureAt = Number(reply[1]);
  if (!Number.isFinite(failures) || !Number.isFinite(lastFailureAt) || failures <= 0) return undefined;
  return { failures, lastFailureAt };
}

function unavailable(): DomainException {
  return new DomainException({
    status: 503,
    code: ErrorCode.ServiceUnavailable,
    message: 'Sign-in is temporarily unavailable',
    retryAfterMs: 5_000,
  });
}
