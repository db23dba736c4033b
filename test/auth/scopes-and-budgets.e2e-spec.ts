import {
  CallerLimitsService,
  CurrentPrincipal,
  EnforceTokenBudget,
  Public,
  RequireScopes,
  Roles,
  type Principal,
} from '@app/auth';
import { AllExceptionsFilter } from '@app/common';
import type { AppConfig } from '@app/config';
import { Controller, Get, Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from '../../apps/api/src/app.module';
import { createTestDatabase, dropTestDatabase, testRedisUrl, uniquePrefix } from '../support/services';
import {
  ADMIN,
  authTestConfig,
  call,
  createApiKey,
  createUser,
  signIn,
  type ErrorBody,
} from './support/auth-client';

// jest.config.js's per-project testTimeout is not applied (a global-only option): set it here.
jest.setTimeout(60_000);

/** Test-only routes carrying the decorators chat, tasks and analytics routes will use. */
@Controller('probe')
class ProbeController {
  @Get('chat')
  @RequireScopes('chat')
  @EnforceTokenBudget()
  chat(@CurrentPrincipal() principal: Principal): { userId: string } {
    return { userId: principal.userId };
  }

  @Get('tasks')
  @RequireScopes('tasks')
  tasks(): { ok: true } {
    return { ok: true };
  }

  @Get('analytics')
  @Roles('admin')
  @RequireScopes('analytics:read')
  analytics(): { ok: true } {
    return { ok: true };
  }

  @Get('open')
  @Public()
  open(): { ok: true } {
    return { ok: true };
  }
}

@Module({})
class ProbeAppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: ProbeAppModule, imports: [AppModule.forRoot(config)], controllers: [ProbeController] };
  }
}

describe('scopes, roles and token budgets on routes', () => {
  let databaseUrl: string;
  let app: NestFastifyApplication;
  let url: string;
  let adminToken: string;
  let userToken: string;
  let userId: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
    const config = authTestConfig({
      databaseUrl,
      redisUrl: testRedisUrl(),
      keyPrefix: uniquePrefix(),
      auth: { limits: { publicRpm: 1_000, user: { rpm: 1_000, tpm: 100, tpd: 0 }, admin: { rpm: 1_000 } } },
    });
    app = await NestFactory.create<NestFastifyApplication>(
      ProbeAppModule.forRoot(config),
      new FastifyAdapter(),
      {
        logger: false,
      },
    );
    app.useGlobalFilters(new AllExceptionsFilter());
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    adminToken = (await signIn(url, ADMIN.email, ADMIN.password)).accessToken;
    userId = (await createUser(url, adminToken, { email: 'uma@example.com', password: 'uma-password-0123' }))
      .id;
    userToken = (await signIn(url, 'uma@example.com', 'uma-password-0123')).accessToken;
  });

  afterAll(async () => {
    await app?.close();
    await dropTestDatabase(databaseUrl);
  });

  it('lets a key reach only the routes of its scopes (403 insufficient_scope otherwise)', async () => {
    const chatKey = await createApiKey(url, userToken, { name: 'chat-only', scopes: ['chat'] });
    expect((await call(url, 'GET', '/probe/chat', { token: chatKey.key })).status).toBe(200);
    const tasks = await call<ErrorBody>(url, 'GET', '/probe/tasks', { token: chatKey.key });
    expect(tasks.status).toBe(403);
    expect(tasks.body.error).toMatchObject({
      code: 'insufficient_scope',
      message: 'This API key lacks the required scope: tasks',
    });
  });

  it('gives a signed-in user every scope, but not the admin role', async () => {
    expect((await call(url, 'GET', '/probe/chat', { token: userToken })).status).toBe(200);
    expect((await call(url, 'GET', '/probe/tasks', { token: userToken })).status).toBe(200);
    const analytics = await call<ErrorBody>(url, 'GET', '/probe/analytics', { token: userToken });
    expect(analytics.status).toBe(403);
    expect(analytics.body.error.code).toBe('forbidden');
  });

  it('needs both the admin role and the scope for admin analytics', async () => {
    expect((await call(url, 'GET', '/probe/analytics', { token: adminToken })).status).toBe(200);
    const adminChatKey = await createApiKey(url, adminToken, { name: 'admin-chat', scopes: ['chat'] });
    expect((await call(url, 'GET', '/probe/analytics', { token: adminChatKey.key })).status).toBe(403);
    const adminAnalyticsKey = await createApiKey(url, adminToken, {
      name: 'dash',
      scopes: ['analytics:read'],
    });
    expect((await call(url, 'GET', '/probe/analytics', { token: adminAnalyticsKey.key })).status).toBe(200);
    const userAnalyticsKey = await createApiKey(url, userToken, {
      name: 'u-dash',
      scopes: ['analytics:read'],
    });
    expect((await call(url, 'GET', '/probe/analytics', { token: userAnalyticsKey.key })).status).toBe(403);
  });

  it('leaves @Public() routes open', async () => {
    expect((await call(url, 'GET', '/probe/open')).status).toBe(200);
  });

  it('refuses a token-budget route once recorded usage reaches the limit (checked by the guard)', async () => {
    const intoMinute = Date.now() % 60_000;
    if (intoMinute > 55_000) await new Promise((r) => setTimeout(r, 60_000 - intoMinute + 100));
    const principal: Principal = { kind: 'user', userId, role: 'user', scopes: 'all' };
    const limits = app.get(CallerLimitsService);
    await limits.recordTokens(principal, 99);
    expect((await call(url, 'GET', '/probe/chat', { token: userToken })).status).toBe(200);
    await limits.recordTokens(principal, 1);
    const refused = await call<ErrorBody>(url, 'GET', '/probe/chat', { token: userToken });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({
      code: 'rate_limited',
      message: 'Token limit reached: 100 tokens per minute',
    });
    expect(refused.headers.get('ratelimit-policy')).toBe('100;w=60');
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    // Routes that spend no tokens are not refused.
    expect((await call(url, 'GET', '/probe/tasks', { token: userToken })).status).toBe(200);
  });
});
