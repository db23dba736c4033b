import {
  AllExceptionsFilter,
  installRequestLog,
  REQUEST_ID_HEADER,
  requestIdFor,
  sendErrorReply,
} from '@app/common';
import type { AppConfig } from '@app/config';
import { Logger as NestLogger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Logger, PinoLogger } from 'nestjs-pino';
import { setupAdminUi } from './admin/admin-ui';
import { AppModule } from './app.module';
import { ChatCompletionRequestDto } from './chat/dto/chat-completion-request.dto';
import { isCertainlyValidChatBody } from './chat/validation/chat-body-fast-check';
import { FastPathValidationPipe } from './fast-path-validation.pipe';
import { installJsonBodyParser } from './http/json-body';
import { SECURITY_HEADERS } from './http/security-headers';
import { setupOpenApi } from './openapi';
import { ApiDrain, shuttingDown } from './shutdown/api-drain';

/** Builds the configured api application (not yet listening); shared by main.ts and the e2e tests. */
export async function createApiApp(config: AppConfig): Promise<NestFastifyApplication> {
  const frameworkLogger = new NestLogger('Http');
  const adapter = new FastifyAdapter({
    bodyLimit: config.server.bodyLimitBytes,
    genReqId: requestIdFor,
    logger: false,
    // No Nest middleware (requests are logged by a hook, see installRequestLog): no middie hook per request.
    skipMiddie: true,
    // Requests arriving during shutdown are answered by the drain hook below, in the one error format.
    return503OnClosing: false,
    // Errors Fastify finds before routing (a malformed URL, an over-long path parameter): same error body.
    frameworkErrors: (error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      void reply.header(REQUEST_ID_HEADER, request.id);
      sendErrorReply(error, request, reply, frameworkLogger);
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  installRequestLog(app.getHttpAdapter().getInstance(), PinoLogger.root);
  installJsonBodyParser(app, config.server.bodyLimitBytes);
  const fastify = app.getHttpAdapter().getInstance();
  const drain = app.get(ApiDrain);
  const drainLogger = new NestLogger('ApiDrain');
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.header(REQUEST_ID_HEADER, request.id);
    reply.headers(SECURITY_HEADERS);
    if (!drain.draining) return done();
    void reply.header('connection', 'close');
    sendErrorReply(shuttingDown(), request, reply, drainLogger);
  });
  // Nest hands Fastify's own errors (body too large, bad JSON) to this filter too: one error body everywhere.
  app.useGlobalFilters(new AllExceptionsFilter());
  app.useGlobalPipes(
    new FastPathValidationPipe(
      {
        whitelist: true,
        forbidNonWhitelisted: true,
        transform: true,
        transformOptions: { enableImplicitConversion: false },
        stopAtFirstError: false,
      },
      new Map([[ChatCompletionRequestDto, isCertainlyValidChatBody]]),
    ),
  );
  if (config.server.corsOrigins.length)
    app.enableCors({ origin: config.server.corsOrigins, credentials: true });
  if (config.server.docs) setupOpenApi(app);
  setupAdminUi(app);
  return app;
}
