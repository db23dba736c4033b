import { DomainException } from '@app/common';
import type { Principal } from '../principal/principal';
import { assertOwnedOrNotFound, canAccessOwnedBy, ownerFilterFor } from './ownership';

const ALICE: Principal = { kind: 'user', userId: 'alice', role: 'user', scopes: 'all' };
const ADMIN: Principal = { kind: 'user', userId: 'root', role: 'admin', scopes: 'all' };

describe('ownership', () => {
  it('lets users reach their own rows and admins everyone’s', () => {
    expect(canAccessOwnedBy(ALICE, 'alice')).toBe(true);
    expect(canAccessOwnedBy(ALICE, 'bob')).toBe(false);
    expect(canAccessOwnedBy(ADMIN, 'bob')).toBe(true);
  });

  it('answers someone else’s row and a missing row alike: 404', () => {
    expect(() => assertOwnedOrNotFound(ALICE, 'alice', 'Task')).not.toThrow();
    for (const owner of ['bob', undefined]) {
      try {
        assertOwnedOrNotFound(ALICE, owner, 'Task');
        throw new Error('expected a 404');
      } catch (error) {
        expect(error).toBeInstanceOf(DomainException);
        expect((error as DomainException).status).toBe(404);
        expect((error as DomainException).message).toBe('Task not found');
      }
    }
  });

  it('scopes list queries: users to themselves, admins to whom they ask for', () => {
    expect(ownerFilterFor(ALICE)).toBe('alice');
    expect(ownerFilterFor(ALICE, 'alice')).toBe('alice');
    expect(() => ownerFilterFor(ALICE, 'bob')).toThrow('User not found');
    expect(ownerFilterFor(ADMIN)).toBeUndefined();
    expect(ownerFilterFor(ADMIN, 'bob')).toBe('bob');
  });
});
