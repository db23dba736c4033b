import type { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from './error-codes';
import { mapError, type MappedError } from './error-mapping';
import { isOpenAiRoute, openAiErrorType } from './openai-error-shape';

/**
 * The one error body. On OpenAI-compatible routes (`/v1/*`) it also carries OpenAI's `type` and `param`,
 * so the same object reads correctly to our clients and to any OpenAI SDK.
 */
export function errorBodyFor(mapped: MappedError, requestId: string, openAiShape: boolean): ErrorBody {
  const body: ErrorBody = { error: { code: mapped.code, message: mapped.message, requestId } };
  if (mapped.details?.length) body.error.details = mapped.details;
  if (openAiShape) {
    body.error.type = openAiErrorType(mapped.status, mapped.code);
    body.error.param = mapped.param ?? null;
  }
  return body;
}

/**
 * Any exception as the error body for this request's route; an unexpected one (a bug or our outage) is
 * logged with an error id that the body carries. Also used for the error event of a failed stream.
 */
export function describeException(
  exception: unknown,
  request: FastifyRequest,
  logger: LoggerService,
): { mapped: MappedError; body: ErrorBody } {
  const mapped = mapError(exception);
  const body = errorBodyFor(mapped, String(request.id), isOpenAiRoute(request.url));
  if (mapped.unexpected) {
    const errorId = randomUUID();
    body.error.errorId = errorId;
    logger.error(
      { err: exception, errorId, requestId: request.id, method: request.method, url: request.url },
      'Unhandled error',
    );
  }
  return { mapped, body };
}

/** Writes any exception as the one error body; used by the Nest filter and Fastify's own error handler. */
export function sendErrorReply(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: LoggerService,
): void {
  const { mapped, body } = describeException(exception, request, logger);
  if (reply.raw.destroyed) return; // the client is gone (e.g. it aborted): nobody to answer
  if (reply.sent || reply.raw.headersSent) {
    // A stream already started: the route's own error event told the client; just make sure it ends.
    if (!reply.raw.writableEnded) reply.raw.end();
    return;
  }
  if (mapped.retryAfterMs !== undefined) {
    reply.header('retry-after', String(Math.max(1, Math.ceil(mapped.retryAfterMs / 1000))));
  }
  for (const [name, value] of Object.entries(mapped.headers ?? {})) reply.header(name, value);
  void reply.status(mapped.status).type('application/json; charset=utf-8').send(body);
}
