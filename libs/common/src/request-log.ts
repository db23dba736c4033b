import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';

type RequestLogLevel = 'info' | 'warn' | 'error';

/** Routes probed every few seconds by orchestrators: logging each probe would drown the rest. */
const UNLOGGED_URLS = new Set(['/health', '/health/ready']);

export function requestLogLevel(statusCode: number): RequestLogLevel {
  return statusCode >= 500 ? 'error' : statusCode >= 400 ? 'warn' : 'info';
}

/**
 * One `request completed` line per answered request (`req` id/method/url, `res` status code, response time
 * in ms), at info, warn (4xx) or error (5xx). A Fastify onResponse hook on the root logger: the pino-http
 * middleware did the same through middie, a child logger per request and an AsyncLocalStorage scope,
 * about 5 % of the gateway's CPU per request even when its lines were below the log level. Nothing is
 * built for a line the level leaves out.
 */
export function installRequestLog(fastify: FastifyInstance, logger: Logger): void {
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    const level = requestLogLevel(reply.statusCode);
    if (logger.isLevelEnabled(level) && !UNLOGGED_URLS.has(request.url)) {
      logger[level](
        {
          req: { id: request.id, method: request.method, url: request.url },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime),
        },
        'request completed',
      );
    }
    done();
  });
}
