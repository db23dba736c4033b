import { SetMetadata } from '@nestjs/common';
import type { ApiKeyScope, Role } from '../principal/principal';

export const PUBLIC_ROUTE = 'auth:public';
export const REQUIRED_ROLES = 'auth:roles';
export const REQUIRED_SCOPES = 'auth:scopes';
export const USER_SESSION_ONLY = 'auth:user-session-only';

/** No authentication: health, sign-in, refresh. Every other route needs a bearer JWT or API key. */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(PUBLIC_ROUTE, true);

/** The caller's role must be one of these (API keys act with their owner's role); otherwise 403. */
export const Roles = (...roles: Role[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_ROLES, roles);

/** An API key must carry every one of these scopes (JWT sessions have all); otherwise 403. */
export const RequireScopes = (...scopes: ApiKeyScope[]): MethodDecorator & ClassDecorator =>
  SetMetadata(REQUIRED_SCOPES, scopes);

/** Only a signed-in user (JWT), never an API key: managing keys and users. */
export const RequireUserSession = (): MethodDecorator & ClassDecorator =>
  SetMetadata(USER_SESSION_ONLY, true);
