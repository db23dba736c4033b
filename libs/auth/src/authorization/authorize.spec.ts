import { DomainException } from '@app/common';
import type { Principal } from '../principal/principal';
import { authorize, hasScopes } from './authorize';

const USER: Principal = { kind: 'user', userId: 'u1', role: 'user', scopes: 'all' };
const ADMIN: Principal = { ...USER, userId: 'a1', role: 'admin' };
const CHAT_KEY: Principal = { kind: 'api_key', userId: 'u1', role: 'user', scopes: ['chat'], apiKeyId: 'k1' };

function denial(principal: Principal, requirements: Parameters<typeof authorize>[1]): unknown {
  try {
    authorize(principal, requirements);
    return undefined;
  } catch (error) {
    return error instanceof DomainException ? { status: error.status, code: error.code } : error;
  }
}

describe('authorize', () => {
  it('lets anyone authenticated through a route without requirements', () => {
    expect(denial(USER, {})).toBeUndefined();
    expect(denial(CHAT_KEY, {})).toBeUndefined();
  });

  it('checks roles: a non-admin gets 403 on admin routes', () => {
    expect(denial(USER, { roles: ['admin'] })).toEqual({ status: 403, code: 'forbidden' });
    expect(denial(ADMIN, { roles: ['admin'] })).toBeUndefined();
    expect(denial({ ...CHAT_KEY, role: 'admin' }, { roles: ['admin'] })).toBeUndefined();
  });

  it('checks scopes of API keys; JWT users have every scope', () => {
    expect(denial(CHAT_KEY, { scopes: ['chat'] })).toBeUndefined();
    expect(denial(CHAT_KEY, { scopes: ['tasks'] })).toEqual({ status: 403, code: 'insufficient_scope' });
    expect(denial(CHAT_KEY, { scopes: ['chat', 'tasks'] })).toEqual({
      status: 403,
      code: 'insufficient_scope',
    });
    expect(denial(USER, { scopes: ['analytics:read'] })).toBeUndefined();
    expect(hasScopes({ ...CHAT_KEY, scopes: [] }, [])).toBe(true);
  });

  it('refuses API keys on user-session routes', () => {
    expect(denial(CHAT_KEY, { userSessionOnly: true })).toEqual({ status: 403, code: 'forbidden' });
    expect(denial(USER, { userSessionOnly: true })).toBeUndefined();
  });
});
