import type { LoggerService } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorBody } from './error-codes';
import { mapError } from './error-mapping';

/** Writes any exception as the one error body; used by the Nest filter and Fastify's own error handler. */
export function sendErrorReply(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  logger: LoggerService,
): void {
  const mapped = mapError(exception);
  const body: ErrorBody = {
    error: { code: mapped.code, message: mapped.message, requestId: String(request.id) },
  };
  if (mapped.details?.length) body.error.details = mapped.details;
  if (mapped.unexpected) {
    const errorId = randomUUID();
    body.error.errorId = errorId;
    logger.error(
      { err: exception, errorId, requestId: request.id, method: request.method, url: request.url },
      'Unhandled error',
    );
  }
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
