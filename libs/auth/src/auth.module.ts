import { AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiKeyAuthenticator } from './api-keys/api-key-authenticator';
import { ApiKeyUsageRecorder } from './api-keys/api-key-usage.recorder';
import { ApiKeysService } from './api-keys/api-keys.service';
import { AUTH_ENTITIES } from './auth.entities';
import { AuthGuard } from './authorization/auth.guard';
import { CallerLimitsModule } from './limits/caller-limits.module';
import { CallerThrottlerGuard } from './limits/caller-throttler.guard';
import { LoginFailureStore } from './login-throttle/login-failure.store';
import { loginFailureStoreFor } from './login-throttle/login-failure-stores';
import { LoginThrottleService } from './login-throttle/login-throttle.service';
import { PasswordHasher } from './passwords/password-hasher';
import { ACCESS_TOKEN_ALGORITHM, AccessTokenService } from './tokens/access-token.service';
import { RefreshTokenService } from './tokens/refresh-token.service';
import { SessionService } from './tokens/session.service';
import { BootstrapAdmin } from './users/bootstrap-admin';
import { UsersService } from './users/users.service';
import { CallerThrottlerModule } from './limits/caller-throttler.module';

/**
 * Authentication and per-caller limits for the api. Importing it protects every route: AuthGuard then
 * CallerThrottlerGuard run globally, in that order (the throttler keys on the principal AuthGuard sets).
 * Global, so CallerLimitsService, UsersService and ApiKeysService can be injected anywhere.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forFeature(AUTH_ENTITIES),
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: ({ auth }: AppConfig) => ({
        secret: auth.jwtSecret,
        signOptions: {
          algorithm: ACCESS_TOKEN_ALGORITHM,
          issuer: auth.issuer,
          audience: auth.audience,
          keyid: auth.jwtKeyId,
        },
        verifyOptions: { algorithms: [ACCESS_TOKEN_ALGORITHM], issuer: auth.issuer, audience: auth.audience },
      }),
    }),
    CallerLimitsModule,
    CallerThrottlerModule,
  ],
  providers: [
    PasswordHasher,
    AccessTokenService,
    RefreshTokenService,
    { provide: LoginFailureStore, inject: [AppConfig, REDIS_CLIENT], useFactory: loginFailureStoreFor },
    LoginThrottleService,
    SessionService,
    UsersService,
    BootstrapAdmin,
    ApiKeyUsageRecorder,
    ApiKeyAuthenticator,
    ApiKeysService,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_GUARD, useClass: CallerThrottlerGuard },
  ],
  exports: [CallerLimitsModule, SessionService, UsersService, ApiKeysService, AccessTokenService],
})
export class AuthModule {}
