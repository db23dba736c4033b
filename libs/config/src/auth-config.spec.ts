import { ConfigValidationError, validateConfig } from './config-loader';

const SECRET = 'x'.repeat(40);

function problemsOf(auth: Record<string, unknown>): string[] {
  try {
    validateConfig({ database: { url: 'postgres://db/x' }, auth: { jwtSecret: SECRET, ...auth } });
    return [];
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
}

describe('auth config', () => {
  it('has safe defaults for keys, lockout and per-role limits', () => {
    const { auth } = validateConfig({ database: { url: 'postgres://db/x' }, auth: { jwtSecret: SECRET } });
    expect(auth.jwtKeyId).toBe('k1');
    expect(auth.bootstrapAdminEmail).toBeUndefined();
    expect(auth.loginLockout).toMatchObject({ accountThreshold: 5, ipThreshold: 20, baseDelayMs: 1_000 });
    expect(auth.limits.user).toEqual({ rpm: 120, tpm: 200_000, tpd: 5_000_000 });
    expect(auth.limits.admin).toEqual({ rpm: 1_200, tpm: 0, tpd: 0 });
    expect(auth.limits).toMatchObject({ publicRpm: 60, failOpen: true });
  });

  it('keeps the defaults of limits a partial override leaves out', () => {
    const { auth } = validateConfig({
      database: { url: 'postgres://db/x' },
      auth: { jwtSecret: SECRET, limits: { user: { rpm: 5 } } },
    });
    expect(auth.limits.user).toEqual({ rpm: 5, tpm: 200_000, tpd: 5_000_000 });
    expect(auth.limits.admin.rpm).toBe(1_200);
  });

  it('wants the bootstrap admin email and password together, never echoing the password', () => {
    expect(problemsOf({ bootstrapAdminEmail: 'a@b.co', bootstrapAdminPassword: 'long-enough-pw' })).toEqual(
      [],
    );
    expect(problemsOf({ bootstrapAdminEmail: 'a@b.co' })).toEqual([
      'auth.bootstrapAdminPassword: is required with bootstrapAdminEmail; must be at least 12 characters',
    ]);
    const problems = problemsOf({ bootstrapAdminPassword: 'hunter2' });
    expect(problems).toEqual([
      'auth.bootstrapAdminEmail: must be an email address (required with bootstrapAdminPassword)',
      'auth.bootstrapAdminPassword: must be at least 12 characters',
    ]);
    expect(problems.join()).not.toContain('hunter2');
  });

  it('rejects negative limits and unknown keys', () => {
    expect(problemsOf({ limits: { user: { rpm: -1 } }, loginLockout: { threshold: 3 } })).toEqual(
      expect.arrayContaining([
        'auth.limits.user.rpm: must not be less than 0',
        'auth.loginLockout.threshold: property threshold should not exist',
      ]),
    );
  });
});
