import { CallerLimitsService, CurrentPrincipal, Public, SessionService, type Principal } from '@app/auth';
import { Body, Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { PrincipalView } from './dto/principal.dto';
import { RefreshTokenDto, SignInDto, TokenPairDto } from './dto/session.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(
    private readonly sessions: SessionService,
    private readonly limits: CallerLimitsService,
  ) {}

  @Public()
  @Post('token')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({ summary: 'Sign in with email and password: a short-lived access JWT and a refresh token' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'invalid_credentials (the same for an unknown email)' })
  @ApiTooManyRequestsResponse({ description: 'Too many failed attempts for this email or from this IP' })
  @ApiServiceUnavailableResponse({ description: 'Sign-in protection (Redis) is unavailable' })
  signIn(@Body() body: SignInDto, @Req() request: FastifyRequest): Promise<TokenPairDto> {
    return this.sessions.signIn(body.email, body.password, request.ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @Header('cache-control', 'no-store')
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair (rotation: the old one is spent)',
    description: 'Presenting a spent refresh token again revokes the whole session.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Unknown, expired, revoked or reused refresh token' })
  refresh(@Body() body: RefreshTokenDto): Promise<TokenPairDto> {
    return this.sessions.refresh(body.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Revoke the session of a refresh token',
    description: 'Access tokens already issued stay valid until they expire (accessTokenTtlSeconds).',
  })
  @ApiNoContentResponse({ description: 'Revoked (also answered for unknown tokens)' })
  async logout(@Body() body: RefreshTokenDto): Promise<void> {
    await this.sessions.signOut(body.refreshToken);
  }

  @Get('me')
  @ApiBearerAuth()
  @ApiOperation({ summary: 'The caller: user or API key, role, scopes and the limits in force' })
  @ApiOkResponse({ type: PrincipalView })
  @ApiUnauthorizedResponse({ description: 'Missing, invalid or expired credentials' })
  me(@CurrentPrincipal() principal: Principal): PrincipalView {
    return PrincipalView.of(principal, this.limits.limitsFor(principal));
  }
}
