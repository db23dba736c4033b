import { DomainException, ErrorCode } from '@app/common';
import { Injectable } from '@nestjs/common';
import { LoginThrottleService } from '../login-throttle/login-throttle.service';
import { PasswordHasher } from '../passwords/password-hasher';
import { normalizeEmail } from '../users/email';
import type { User } from '../users/user.entity';
import { UsersService } from '../users/users.service';
import { AccessTokenService } from './access-token.service';
import { RefreshTokenService, type IssuedRefreshToken } from './refresh-token.service';

export interface TokenPair {
  accessToken: string;
  tokenType: 'Bearer';
  /** seconds */
  expiresIn: number;
  refreshToken: string;
  /** seconds */
  refreshExpiresIn: number;
}

/** Sign-in, refresh and sign-out: the session lifecycle behind /auth/token, /auth/refresh, /auth/logout. */
@Injectable()
export class SessionService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly loginThrottle: LoginThrottleService,
    private readonly accessTokens: AccessTokenService,
    private readonly refreshTokens: RefreshTokenService,
  ) {}

  /**
   * One answer for an unknown email, a wrong password and a disabled account (401 invalid_credentials),
   * with the same scrypt cost for each, and failures counted per email and per IP alike.
   */
  async signIn(email: string, password: string, clientIp: string): Promise<TokenPair> {
    const normalized = normalizeEmail(email);
    await this.loginThrottle.assertNotLocked(normalized, clientIp);
    const user = await this.users.findForSignIn(normalized);
    const passwordMatches = user
      ? await this.hasher.verify(password, user.passwordHash)
      : await this.hasher.verifyAgainstNothing(password);
    if (!user || !passwordMatches || user.disabled) {
      await this.loginThrottle.recordFailure(normalized, clientIp);
      throw new DomainException({
        status: 401,
        code: ErrorCode.InvalidCredentials,
        message: 'Invalid email or password',
      });
    }
    await this.loginThrottle.recordSuccess(normalized);
    return this.pairFor(user, await this.refreshTokens.startFamily(user.id));
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const { user, refresh } = await this.refreshTokens.rotate(refreshToken);
    return this.pairFor(user, refresh);
  }

  /** Revokes the session (the refresh token's family). Access tokens already issued live until they expire. */
  signOut(refreshToken: string): Promise<void> {
    return this.refreshTokens.revokeFamilyOf(refreshToken);
  }

  private pairFor(user: User, refresh: IssuedRefreshToken): TokenPair {
    const access = this.accessTokens.issue({
      userId: user.id,
      role: user.role,
      sessionId: refresh.familyId,
      limitOverrides: { rpm: user.rpmLimit, tpm: user.tpmLimit, tpd: user.tpdLimit },
    });
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresInSeconds,
      refreshToken: refresh.token,
      refreshExpiresIn: refresh.expiresInSeconds,
    };
  }
}
