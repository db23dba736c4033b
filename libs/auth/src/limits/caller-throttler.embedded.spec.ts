import { AllExceptionsFilter, resetProcessWide } from '@app/common';
import { AppConfig, AuthConfig } from '@app/config';
import { absentRedis, REDIS_CLIENT } from '@app/redis';
import {
  Controller,
  Get,
  Global,
  Injectable,
  Module,
  type CanActivate,
  type ExecutionContext,
  type INestApplicationContext,
} from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { Throttle } from '@nestjs/throttler';
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../principal/principal';
import { CallerLimitsModule } from './caller-limits.module';
import { CallerLimitsService } from './caller-limits.service';
import { CallerThrottlerGuard } from './caller-throttler.guard';
import { EnforceTokenBudget } from './enforce-token-budget.decorator';
import { MINUTE_MS } from './rate-windows';
import { CallerThrottlerModule } from './caller-throttler.module';

/**
 * The api and the worker of one embedded process, as two Nest containers with no Redis: request windows
 * and token budgets must hold across both, with the same answers as in full mode.
 */
const config = Object.assign(new AppConfig(), { mode: 'embedded' });
config.redis.keyPrefix = 'unit:';
config.auth = Object.assign(new AuthConfig(), { jwtSecret: 'x'.repeat(32) });
Object.assign(config.auth.limits, { publicRpm: 2 });
Object.assign(config.auth.limits.user, { rpm: 3, tpm: 100, tpd: 0 });

@Global()
@Module({
  providers: [
    { provide: AppConfig, useValue: config },
    // throws on any call: with no Redis a limit would fail open and the RateLimit-* checks below fail
    { provide: REDIS_CLIENT, useFactory: absentRedis },
  ],
  exports: [AppConfig, REDIS_CLIENT],
})
class EmbeddedGlobals {}

/** Stands in for AuthGuard: `x-user` / `x-key` headers name the caller; neither = a public route. */
@Injectable()
class HeaderPrincipalGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const user = request.headers['x-user'];
    const key = request.headers['x-key'];
    if (typeof user === 'string') {
      const principal: Principal = { kind: 'user', userId: user, role: 'user', scopes: 'all' };
      request.principal =
        typeof key === 'string' ? { ...principal, kind: 'api_key', apiKeyId: key } : principal;
    }
    return true;
  }
}

@Controller()
class ProbeController {
  @Get('me')
  me(): { ok: true } {
    return { ok: true };
  }

  @Get('chat')
  @EnforceTokenBudget()
  chat(): { ok: true } {
    return { ok: true };
  }

  @Get('short')
  @Throttle({ default: { ttl: 1_000 } })
  short(): { ok: true } {
    return { ok: true };
  }
}

@Module({
  imports: [CallerLimitsModule, CallerThrottlerModule],
  controllers: [ProbeController],
  providers: [
    { provide: APP_GUARD, useClass: HeaderPrincipalGuard },
    { provide: APP_GUARD, useClass: CallerThrottlerGuard },
  ],
})
class ApiSide {}

async function startApi(): Promise<NestFastifyApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [EmbeddedGlobals, ApiSide] }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  app.useGlobalFilters(new AllExceptionsFilter());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

async function startWorker(): Promise<INestApplicationContext> {
  const moduleRef = await Test.createTestingModule({
    imports: [EmbeddedGlobals, CallerLimitsModule],
  }).compile();
  return moduleRef.init();
}

/** Token windows are clock minutes: keep a test's record-then-check inside one of them. */
async function awayFromMinuteEdge(): Promise<void> {
  const intoMinute = Date.now() % MINUTE_MS;
  if (intoMinute > 58_000) await new Promise((r) => setTimeout(r, MINUTE_MS - intoMinute + 50));
}

describe('caller limits in embedded mode (api and worker containers, no Redis)', () => {
  let api: NestFastifyApplication;
  let worker: INestApplicationContext;

  beforeEach(async () => {
    api = await startApi();
    worker = await startWorker();
  });

  afterEach(async () => {
    await api.close();
    await worker.close();
    resetProcessWide();
  });

  const get = (url: string, headers: Record<string, string> = {}) =>
    api.getHttpAdapter().getInstance().inject({ method: 'GET', url, headers });

  it('answers with RateLimit-* headers, then 429 with Retry-After over the limit', async () => {
    const remaining = [];
    for (let i = 0; i < 3; i++) {
      const res = await get('/me', { 'x-user': 'alice' });
      expect(res.statusCode).toBe(200);
      expect(res.headers['ratelimit-limit']).toBe('3');
      expect(res.headers['ratelimit-policy']).toBe('3;w=60');
      remaining.push(res.headers['ratelimit-remaining']);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await get('/me', { 'x-user': 'alice' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({
      error: { code: 'rate_limited', message: 'Too many requests: the limit is 3 per 60 s' },
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(refused.headers['ratelimit-reset']).toBe(String(retryAfter));
  });

  it('keeps separate counters per user, per API key and per IP', async () => {
    for (let i = 0; i < 3; i++) await get('/me', { 'x-user': 'alice' });
    expect((await get('/me', { 'x-user': 'alice' })).statusCode).toBe(429);
    expect((await get('/me', { 'x-user': 'bob' })).statusCode).toBe(200);
    expect((await get('/me', { 'x-user': 'alice', 'x-key': 'alice-batch' })).statusCode).toBe(200);
    const anonymous = [await get('/me'), await get('/me'), await get('/me')].map((r) => r.statusCode);
    expect(anonymous).toEqual([200, 200, 429]);
  });

  it('admits again once the window has passed', async () => {
    for (let i = 0; i < 3; i++) expect((await get('/short', { 'x-user': 'carol' })).statusCode).toBe(200);
    expect((await get('/short', { 'x-user': 'carol' })).statusCode).toBe(429);
    await new Promise((r) => setTimeout(r, 1_100));
    expect((await get('/short', { 'x-user': 'carol' })).statusCode).toBe(200);
  });

  it('refuses a caller whose tokens, recorded by the worker, reach the budget', async () => {
    await awayFromMinuteEdge();
    const dave: Principal = { kind: 'user', userId: 'dave', role: 'user', scopes: 'all' };
    await worker.get(CallerLimitsService).recordTokens(dave, 60);
    expect((await get('/chat', { 'x-user': 'dave' })).statusCode).toBe(200);
    await worker.get(CallerLimitsService).recordTokens(dave, 40);

    const refused = await get('/chat', { 'x-user': 'dave' });
    expect(refused.statusCode).toBe(429);
    expect(refused.json()).toMatchObject({
      error: { message: 'Token limit reached: 100 tokens per minute' },
    });
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': '100', 'ratelimit-policy': '100;w=60' });
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    // The api's own service sees the same budget; other callers and routes without budgets are unaffected.
    await expect(api.get(CallerLimitsService).assertWithinTokenBudget(dave)).rejects.toMatchObject({
      status: 429,
    });
    expect((await get('/me', { 'x-user': 'dave' })).statusCode).toBe(200);
    expect((await get('/chat', { 'x-user': 'erin' })).statusCode).toBe(200);
  });
});
