import type { ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Principal } from './principal';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth guard on every protected route; absent on public ones. */
    principal?: Principal;
  }
}

export function principalOf(context: ExecutionContext): Principal | undefined {
  return context.switchToHttp().getRequest<FastifyRequest>().principal;
}
