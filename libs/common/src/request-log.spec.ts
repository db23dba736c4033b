import Fastify, { type FastifyInstance } from 'fastify';
import { pinoHttp, type Options } from 'pino-http';
import { loggerParams } from './logger';
import { installRequestLog, requestLogLevel } from './request-log';

interface Line {
  level: number;
  msg: string;
  req: { id: string; method: string; url: string };
  res: { statusCode: number };
  responseTime: number;
}

function appLoggingAt(level: string): { app: FastifyInstance; lines: Line[] } {
  const lines: Line[] = [];
  // the root logger as the apps build it (nestjs-pino's pino-http instance with loggerParams)
  const { pinoHttp: options } = loggerParams(level);
  const destination = { write: (line: string) => lines.push(JSON.parse(line) as Line) };
  const { logger } = pinoHttp(options as Options, destination);
  const app = Fastify({ genReqId: () => 'req-1' });
  installRequestLog(app, logger);
  app.get('/ok', () => ({ ok: true }));
  app.get('/health', () => ({ ok: true }));
  app.get('/missing', (_request, reply) => reply.status(404).send({ error: 'nope' }));
  app.get('/broken', (_request, reply) => reply.status(503).send({ error: 'down' }));
  return { app, lines };
}

describe('installRequestLog', () => {
  it('writes one request completed line per answer, with id, method, url, status and time', async () => {
    const { app, lines } = appLoggingAt('info');
    await app.inject({ method: 'GET', url: '/ok?x=1' });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 30,
        msg: 'request completed',
        req: { id: 'req-1', method: 'GET', url: '/ok?x=1' },
        res: { statusCode: 200 },
        responseTime: expect.any(Number) as number,
      }),
    ]);
  });

  it('logs client errors as warn and server errors as error', async () => {
    const { app, lines } = appLoggingAt('info');
    await app.inject({ method: 'GET', url: '/missing' });
    await app.inject({ method: 'GET', url: '/broken' });
    expect(lines.map((l) => [l.res.statusCode, l.level])).toEqual([
      [404, 40],
      [503, 50],
    ]);
  });

  it('leaves out health probes and lines below the level', async () => {
    const { app, lines } = appLoggingAt('warn');
    await app.inject({ method: 'GET', url: '/health' });
    await app.inject({ method: 'GET', url: '/ok' });
    await app.inject({ method: 'GET', url: '/missing' });
    expect(lines.map((l) => l.req.url)).toEqual(['/missing']);
  });

  it('maps status codes to levels', () => {
    expect([200, 302, 399, 400, 429, 499, 500, 503].map(requestLogLevel)).toEqual([
      'info',
      'info',
      'info',
      'warn',
      'warn',
      'warn',
      'error',
      'error',
    ]);
  });
});
