import type { Params } from 'nestjs-pino';
import { stdSerializers } from 'pino';

/** Header and body fields that may carry credentials: pino replaces them before a line is written. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.apiKey',
  '*.secretAccessKey',
  '*.jwtSecret',
  '*.token',
  '*.refreshToken',
];

const REDACTED = '[redacted]';

/**
 * A pino streamWrite hook that replaces every occurrence of the given secrets in a finished log line, as
 * written, JSON-escaped and URL-encoded: a last line of defence behind REDACTED_PATHS for values that
 * travel in messages (a vendor's error echoing our API key, a stack trace quoting it). Undefined when
 * there is nothing to look for, so no hook runs at all.
 */
export function secretRedactor(secrets: readonly string[]): ((line: string) => string) | undefined {
  const needles = [
    ...new Set(secrets.flatMap((s) => [s, JSON.stringify(s).slice(1, -1), encodeURIComponent(s)])),
  ].sort((a, b) => b.length - a.length);
  if (needles.length === 0) return undefined;
  return (line) => {
    let out = line;
    for (const needle of needles) if (out.includes(needle)) out = out.replaceAll(needle, REDACTED);
    return out;
  };
}

/**
 * nestjs-pino's root logger; `secrets`: credentials removed by value from every line (configuredSecrets of
 * @app/config). Its pino-http middleware is mounted on no route (`forRoutes: []`): requests are logged by
 * installRequestLog's Fastify hook instead, and the api runs without middie.
 */
export function loggerParams(level: string, secrets: readonly string[] = []): Params {
  const redactSecrets = secretRedactor(secrets);
  return {
    forRoutes: [],
    pinoHttp: {
      level,
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      ...(redactSecrets ? { hooks: { streamWrite: redactSecrets } } : {}),
      // the request log (request-log.ts) passes plain objects: keep its fields, never a raw request's headers
      wrapSerializers: false,
      serializers: {
        req: (req: { id?: unknown; method?: unknown; url?: unknown }) => ({
          id: req.id,
          method: req.method,
          url: req.url,
        }),
        res: (res: { statusCode?: unknown }) => ({ statusCode: res.statusCode }),
        err: stdSerializers.err,
      },
    },
  };
}
