import { DomainException, ErrorCode } from '@app/common';
import { AppConfig } from '@app/config';
import { Injectable, Logger } from '@nestjs/common';
import { sha256Hex } from '../shared/secret-digest';
import { errorMessage, ThrottledWarning } from '../shared/throttled-warning';
import { lockRemainingMs, type FailureRecord, type LockoutPolicy } from './lockout-policy';
import { LoginFailureStore } from './login-failure.store';

/**
 * Slows password guessing: failed sign-ins are counted per email (whether or not it exists, so a lock
 * says nothing about the account) and per client IP, in Redis so every api instance sees them (in
 * process memory in embedded mode). Past a threshold each further failure doubles the lock. Checking
 * costs one round-trip, as does recording. When the store cannot answer, sign-in is refused (503)
 * rather than left unguarded.
 */
@Injectable()
export class LoginThrottleService {
  private readonly warning = new ThrottledWarning(new Logger(LoginThrottleService.name));

  constructor(
    private readonly failures: LoginFailureStore,
    private readonly config: AppConfig,
  ) {}

  async assertNotLocked(email: string, clientIp: string): Promise<void> {
    const keys = this.keys(email, clientIp);
    let records: (FailureRecord | undefined)[];
    try {
      records = await this.failures.read([keys.account, keys.ip]);
    } catch (error) {
      this.warning.warn(`sign-in refused: lockout state unavailable (${errorMessage(error)})`);
      throw unavailable();
    }
    const now = Date.now();
    const { accountPolicy, ipPolicy } = this.policies();
    const waitMs = Math.max(
      lockRemainingMs(records[0], now, accountPolicy),
      lockRemainingMs(records[1], now, ipPolicy),
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
      await this.failures.recordFailure([account, ip], now, keepMs);
    } catch (error) {
      this.warning.warn(`failed sign-in not counted: ${errorMessage(error)}`);
    }
  }

  /** A successful sign-in clears the email's count; the IP's decays on its own (one good account must not reset it). */
  async recordSuccess(email: string): Promise<void> {
    await this.failures.clear(this.keys(email, '').account).catch((error: unknown) => {
      this.warning.warn(`sign-in success not recorded: ${errorMessage(error)}`);
    });
  }

  private keys(email: string, clientIp: string): { account: string; ip: string } {
    const prefix = `${this.config.redis.keyPrefix}login:`;
    // Hashed: the store never holds a plain email address.
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

function unavailable(): DomainException {
  return new DomainException({
    status: 503,
    code: ErrorCode.ServiceUnavailable,
    message: 'Sign-in is temporarily unavailable',
    retryAfterMs: 5_000,
  });
}
