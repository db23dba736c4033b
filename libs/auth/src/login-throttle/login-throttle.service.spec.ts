import { DomainException } from '@app/common';
import { AppConfig, AuthConfig } from '@app/config';
import { Logger } from '@nestjs/common';
import type { FailureRecord } from './lockout-policy';
import { LoginFailureStore } from './login-failure.store';
import { LoginThrottleService } from './login-throttle.service';
import { MemoryLoginFailureStore } from './memory-login-failure.store';

function configWith(lockout: Partial<AuthConfig['loginLockout']>): AppConfig {
  const config = new AppConfig();
  config.auth = Object.assign(new AuthConfig(), { jwtSecret: 'x'.repeat(32) });
  Object.assign(config.auth.loginLockout, lockout);
  return config;
}

/** What the service refused with, or undefined when it admitted. */
async function refusal(check: Promise<void>): Promise<{ status: number; retryAfterMs?: number } | undefined> {
  try {
    await check;
    return undefined;
  } catch (error) {
    if (!(error instanceof DomainException)) throw error;
    return { status: error.status, retryAfterMs: error.retryAfterMs };
  }
}

describe('LoginThrottleService with the in-memory store (embedded mode)', () => {
  const IP = '203.0.113.7';
  let service: LoginThrottleService;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_800_000_000_000 });
    const config = configWith({
      accountThreshold: 3,
      ipThreshold: 9,
      baseDelayMs: 1_000,
      maxDelayMs: 60_000,
    });
    service = new LoginThrottleService(new MemoryLoginFailureStore(), config);
  });

  afterEach(() => jest.useRealTimers());

  const fail = async (email: string, times: number, ip = IP): Promise<void> => {
    for (let i = 0; i < times; i++) await service.recordFailure(email, ip);
  };

  it('locks an email at the threshold, doubling the lock with each further failure', async () => {
    await fail('bob@example.com', 2);
    await expect(service.assertNotLocked('bob@example.com', IP)).resolves.toBeUndefined();
    await fail('bob@example.com', 1);
    expect(await refusal(service.assertNotLocked('bob@example.com', IP))).toEqual({
      status: 429,
      retryAfterMs: 1_000,
    });

    jest.advanceTimersByTime(1_000);
    await expect(service.assertNotLocked('bob@example.com', IP)).resolves.toBeUndefined();
    await fail('bob@example.com', 1);
    expect(await refusal(service.assertNotLocked('bob@example.com', IP))).toEqual({
      status: 429,
      retryAfterMs: 2_000,
    });
    jest.advanceTimersByTime(2_000);
    await fail('bob@example.com', 1);
    expect((await refusal(service.assertNotLocked('bob@example.com', IP)))?.retryAfterMs).toBe(4_000);
  });

  it('locks whether or not the email exists, and each email separately', async () => {
    await fail('ghost@example.com', 3, '198.51.100.1');
    expect((await refusal(service.assertNotLocked('ghost@example.com', '198.51.100.2')))?.status).toBe(429);
    await expect(service.assertNotLocked('carol@example.com', '198.51.100.2')).resolves.toBeUndefined();
  });

  it('clears the email’s count on success, but not the IP’s', async () => {
    await fail('bob@example.com', 3);
    await service.recordSuccess('bob@example.com');
    await expect(service.assertNotLocked('bob@example.com', '198.51.100.9')).resolves.toBeUndefined();
    await fail('bob@example.com', 1);
    await expect(service.assertNotLocked('bob@example.com', '198.51.100.9')).resolves.toBeUndefined();

    // 4 failures from IP so far; 5 more across other emails reach ipThreshold (9).
    for (const name of ['c', 'd', 'e', 'f', 'g']) await fail(`${name}@example.com`, 1);
    expect((await refusal(service.assertNotLocked('new@example.com', IP)))?.status).toBe(429);
    await expect(service.assertNotLocked('new@example.com', '198.51.100.9')).resolves.toBeUndefined();
  });

  it('forgets failures a window after the last one', async () => {
    await fail('bob@example.com', 2);
    jest.advanceTimersByTime(900_001);
    await fail('bob@example.com', 1);
    await expect(service.assertNotLocked('bob@example.com', IP)).resolves.toBeUndefined();
  });
});

describe('LoginThrottleService when its store cannot answer', () => {
  class BrokenStore extends LoginFailureStore {
    read(): Promise<(FailureRecord | undefined)[]> {
      return Promise.reject(new Error('connection lost'));
    }
    recordFailure(): Promise<void> {
      return Promise.reject(new Error('connection lost'));
    }
    clear(): Promise<void> {
      return Promise.reject(new Error('connection lost'));
    }
  }

  it('refuses sign-in (503) rather than leaving it unguarded, and never throws on recording', async () => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const service = new LoginThrottleService(new BrokenStore(), configWith({}));
    expect((await refusal(service.assertNotLocked('bob@example.com', '::1')))?.status).toBe(503);
    await expect(service.recordFailure('bob@example.com', '::1')).resolves.toBeUndefined();
    await expect(service.recordSuccess('bob@example.com')).resolves.toBeUndefined();
  });
});
