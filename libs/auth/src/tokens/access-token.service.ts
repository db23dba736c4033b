import { AppConfig } from '@app/config';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { Principal } from '../principal/principal';
import { invalidToken } from '../shared/auth-errors';
import { claimsFor, principalFromClaims, type AccessTokenSubject } from './access-token-claims';

/** The one algorithm accepted, in signing and in verification: never taken from the token's header. */
export const ACCESS_TOKEN_ALGORITHM = 'HS256';

export interface IssuedAccessToken {
  token: string;
  expiresInSeconds: number;
}

/**
 * Short-lived access JWTs. Verifying one needs no database read: the claims carry the user id, role and
 * limit overrides as of issue. So a role change, a new override or disabling a user reaches a JWT caller
 * at the next refresh, at most `accessTokenTtlSeconds` later (disabling also revokes every refresh token).
 */
@Injectable()
export class AccessTokenService {
  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  issue(subject: AccessTokenSubject): IssuedAccessToken {
    const { auth } = this.config;
    const token = this.jwt.sign(claimsFor(subject), {
      algorithm: ACCESS_TOKEN_ALGORITHM,
      secret: auth.jwtSecret,
      issuer: auth.issuer,
      audience: auth.audience,
      expiresIn: auth.accessTokenTtlSeconds,
      keyid: auth.jwtKeyId,
      subject: subject.userId,
    });
    return { token, expiresInSeconds: auth.accessTokenTtlSeconds };
  }

  /** The caller a token stands for; 401 for anything forged, expired, or not meant for us. */
  verify(token: string): Principal {
    const { auth } = this.config;
    let verified: { header?: { kid?: unknown }; payload?: unknown };
    try {
      verified = this.jwt.verify<{ header?: { kid?: unknown }; payload?: unknown }>(token, {
        algorithms: [ACCESS_TOKEN_ALGORITHM],
        secret: auth.jwtSecret,
        issuer: auth.issuer,
        audience: auth.audience,
        complete: true,
      });
    } catch (error) {
      throw invalidToken(
        error instanceof Error && error.name === 'TokenExpiredError'
          ? 'Access token has expired'
          : 'Invalid access token',
      );
    }
    const principal =
      verified.header?.kid === auth.jwtKeyId ? principalFromClaims(verified.payload) : undefined;
    if (!principal) throw invalidToken('Invalid access token');
    return principal;
  }
}
