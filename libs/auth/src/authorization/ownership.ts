import { DomainException } from '@app/common';
import type { Principal } from '../principal/principal';

/**
 * Ownership rules shared by every per-user resource (API keys now; tasks later): a user reaches only
 * their own rows, an admin reaches everyone's, and someone else's row is "not found" (404, never 403),
 * so ids cannot be probed.
 */
export function canAccessOwnedBy(principal: Principal, ownerId: string): boolean {
  return principal.role === 'admin' || principal.userId === ownerId;
}

/** Throws 404 `<what> not found` unless the caller may reach a row owned by `ownerId`. */
export function assertOwnedOrNotFound(principal: Principal, ownerId: string | undefined, what: string): void {
  if (ownerId === undefined || !canAccessOwnedBy(principal, ownerId)) throw DomainException.notFound(what);
}

/**
 * The owner filter for a list query: a user always gets their own id (naming someone else is a 404, as
 * for a single row); an admin gets the user asked for, or undefined for everyone.
 */
export function ownerFilterFor(principal: Principal, requestedUserId?: string): string | undefined {
  if (principal.role === 'admin') return requestedUserId;
  if (requestedUserId !== undefined && requestedUserId !== principal.userId) {
    throw DomainException.notFound('User');
  }
  return principal.userId;
}
