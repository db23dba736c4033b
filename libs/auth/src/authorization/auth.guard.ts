import { DomainException, ErrorCode } from '@app/common';
import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { looksLikeApiKey } from '../api-keys/api-key-format';
import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator';
import type { ApiKeyScope, Role } from '../principal/principal';
import '../principal/request-principal';
import { AccessTokenService } from '../tokens/access-token.service';
import { PUBLIC_ROUTE, REQUIRED_ROLES, REQUIRED_SCOPES, USER_SESSION_ONLY } from './access-decorators';
import { authorize } from './authorize';
import { bearerCredential } from './bearer-credential';

/**
 * The global guard: every route needs `Authorization: Bearer <access JWT or API key>` unless marked
 * @Public(). A JWT costs no I/O; an API key at most one indexed query (see ApiKeyAuthenticator). Then
 * @Roles, @RequireScopes and @RequireUserSession are enforced (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets)) return true;

    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const credential = bearerCredential(request.headers.authorization);
    if (!credential) {
      throw new DomainException({
        status: 401,
        code: ErrorCode.Unauthorized,
        message: 'Authentication required: send Authorization: Bearer <access token or API key>',
        headers: { 'www-authenticate': 'Bearer' },
      });
    }
    const principal = looksLikeApiKey(credential)
      ? await this.apiKeys.authenticate(credential)
      : this.accessTokens.verify(credential);
    request.principal = principal;

    authorize(principal, {
      roles: this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets),
      scopes: this.reflector.getAllAndOverride<ApiKeyScope[] | undefined>(REQUIRED_SCOPES, targets),
      userSessionOnly: this.reflector.getAllAndOverride<boolean | undefined>(USER_SESSION_ONLY, targets),
    });
    return true;
  }
}
