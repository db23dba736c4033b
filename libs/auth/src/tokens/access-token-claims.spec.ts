import { claimsFor, principalFromClaims } from './access-token-claims';

const USER = '7d0c1b8e-4f5a-4c3b-9a2d-1e0f2a3b4c5d';
const SESSION = '11111111-2222-4333-8444-555555555555';

describe('access token claims', () => {
  it('carries role, session and only the overrides that are set', () => {
    expect(claimsFor({ userId: USER, role: 'admin', sessionId: SESSION })).toEqual({
      typ: 'access',
      role: 'admin',
      sid: SESSION,
    });
    expect(
      claimsFor({
        userId: USER,
        role: 'user',
        sessionId: SESSION,
        limitOverrides: { rpm: 5, tpm: null, tpd: 0 },
      }).lim,
    ).toEqual({ rpm: 5, tpd: 0 });
  });

  it('turns verified claims into a user principal with every scope', () => {
    expect(principalFromClaims({ sub: USER, typ: 'access', role: 'user', sid: SESSION })).toEqual({
      kind: 'user',
      userId: USER,
      role: 'user',
      scopes: 'all',
    });
    expect(
      principalFromClaims({ sub: USER, typ: 'access', role: 'user', sid: SESSION, lim: { rpm: 3 } }),
    ).toMatchObject({ limitOverrides: { rpm: 3 } });
  });

  it('rejects claims that are not an access token of ours', () => {
    for (const payload of [
      null,
      'string',
      { sub: USER, role: 'user' },
      { sub: USER, typ: 'refresh', role: 'user' },
      { sub: USER, typ: 'access', role: 'root' },
      { sub: 'not-a-uuid', typ: 'access', role: 'user' },
      { sub: USER, typ: 'access', role: 'user', lim: { rpm: -1 } },
      { sub: USER, typ: 'access', role: 'user', lim: { rpm: 1.5 } },
      { sub: USER, typ: 'access', role: 'user', lim: { burst: 9 } },
      { sub: USER, typ: 'access', role: 'user', lim: 'none' },
    ]) {
      expect(principalFromClaims(payload)).toBeUndefined();
    }
  });
});
