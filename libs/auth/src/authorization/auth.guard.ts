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
import { authorize, type AccessRequirements } from './authorize';
import { bearerCredential } from './bearer-credential';
import { RouteMetadataCache } from './route-metadata-cache';

/** What a route asks of its caller, read from its decorators. */
interface RouteAccess extends AccessRequirements {
  isPublic: boolean;
}

/**
 * The global guard: every route needs `Authorization: Bearer <access JWT or API key>` unless marked
 * @Public(). A JWT costs no I/O; an API key at most one indexed query (see ApiKeyAuthenticator). Then
 * @Roles, @RequireScopes and @RequireUserSession are enforced (403).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly routes: RouteMetadataCache<RouteAccess>;

  constructor(
    reflector: Reflector,
    private readonly accessTokens: AccessTokenService,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {
    this.routes = new RouteMetadataCache((targets) => ({
      isPublic: reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets) === true,
      roles: reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets),
      scopes: reflector.getAllAndOverride<ApiKeyScope[] | undefined>(REQUIRED_SCOPES, targets),
      userSessionOnly: reflector.getAllAndOverride<boolean | undefined>(USER_SESSION_ONLY, targets),
    }));
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.routes.for(context);
    if (access.isPublic) return true;

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

    authorize(principal, access);
    return true;
  }
}
