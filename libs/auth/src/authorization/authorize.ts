import { DomainException, ErrorCode } from '@app/common';
import type { ApiKeyScope, Principal, Role } from '../principal/principal';

export interface AccessRequirements {
  roles?: readonly Role[];
  scopes?: readonly ApiKeyScope[];
  userSessionOnly?: boolean;
}

export function hasScopes(principal: Principal, scopes: readonly ApiKeyScope[]): boolean {
  if (principal.scopes === 'all') return true;
  const granted = principal.scopes;
  return scopes.every((scope) => granted.includes(scope));
}

/** Throws 403 when an authenticated caller may not use a route; returns when it may. */
export function authorize(principal: Principal, requirements: AccessRequirements): void {
  if (requirements.userSessionOnly && principal.kind !== 'user') {
    throw forbidden(ErrorCode.Forbidden, 'This route needs a signed-in user; API keys are not accepted');
  }
  if (requirements.roles?.length && !requirements.roles.includes(principal.role)) {
    throw forbidden(ErrorCode.Forbidden, 'Your role does not allow this');
  }
  if (requirements.scopes?.length && !hasScopes(principal, requirements.scopes)) {
    throw forbidden(
      ErrorCode.InsufficientScope,
      `This API key lacks the required scope: ${requirements.scopes.join(', ')}`,
    );
  }
}

function forbidden(code: ErrorCode, message: string): DomainException {
  return new DomainException({ status: 403, code, message });
}
