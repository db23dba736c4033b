import { DomainException, ErrorCode } from '@app/common';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Principal } from './principal';
import { principalOf } from './request-principal';

/** The authenticated caller of a protected route (`@CurrentPrincipal() principal: Principal`). */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = principalOf(context);
    if (!principal) {
      // Only reachable on a route marked @Public(): a programming error, reported as 401 rather than a 500.
      throw new DomainException({
        status: 401,
        code: ErrorCode.Unauthorized,
        message: 'Authentication required',
      });
    }
    return principal;
  },
);
