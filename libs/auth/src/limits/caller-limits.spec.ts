import { CallerLimitsConfig } from '@app/config';
import type { Principal } from '../principal/principal';
import { resolveCallerLimits, trackerFor } from './caller-limits';

const config = Object.assign(new CallerLimitsConfig(), { publicRpm: 30 });
config.user.rpm = 60;
config.user.tpm = 1_000;
config.user.tpd = 10_000;
config.admin.rpm = 600;
config.admin.tpm = 0;
config.admin.tpd = 0;

const USER: Principal = { kind: 'user', userId: 'u1', role: 'user', scopes: 'all' };

describe('resolveCallerLimits', () => {
  it('uses the role defaults', () => {
    expect(resolveCallerLimits(USER, config)).toEqual({ rpm: 60, tpm: 1_000, tpd: 10_000 });
    expect(resolveCallerLimits({ ...USER, role: 'admin' }, config)).toEqual({ rpm: 600, tpm: 0, tpd: 0 });
  });

  it('lets each override replace its default; null keeps the default and 0 means unlimited', () => {
    expect(resolveCallerLimits({ ...USER, limitOverrides: { rpm: 5, tpm: null, tpd: 0 } }, config)).toEqual({
      rpm: 5,
      tpm: 1_000,
      tpd: 0,
    });
  });

  it('gives anonymous callers the public per-IP rate and no tokens', () => {
    expect(resolveCallerLimits(undefined, config)).toEqual({ rpm: 30, tpm: 0, tpd: 0 });
  });
});

describe('trackerFor', () => {
  it('charges a key separately from its owner', () => {
    expect(trackerFor(USER)).toBe('user:u1');
    expect(trackerFor({ ...USER, kind: 'api_key', apiKeyId: 'k9', scopes: ['chat'] })).toBe('key:k9');
  });
});
