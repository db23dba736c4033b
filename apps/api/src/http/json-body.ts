import { DomainException, ErrorCode } from '@app/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

/**
 * Deepest nesting a JSON body may have. Real bodies (chat messages with content parts, tool schemas,
 * task inputs) stay far below it; a body nested thousands of levels deep would otherwise overflow the
 * stack of whatever walks it recursively (class-transformer, the cache key, jsonb) and end as a 500.
 */
export const MAX_JSON_DEPTH = 100;

/**
 * True when the JSON text nests arrays/objects more than `max` levels deep. One pass, jumping over
 * strings with indexOf, so it costs little next to JSON.parse; texts too short to nest that deep are not
 * scanned at all. Not a validator: malformed JSON is left for JSON.parse to refuse.
 */
export function jsonNestingExceeds(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      i = closingQuote(text, i);
      if (i < 0) return false;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return false;
}

/** Index of the quote that ends the string opened at `open`, or -1 when it never ends. */
function closingQuote(text: string, open: number): number {
  let at = open;
  for (;;) {
    at = text.indexOf('"', at + 1);
    if (at < 0) return -1;
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if (backslashes % 2 === 0) return at;
  }
}

/** Escapes in JSON text that can spell an unstorable string: NUL, or a UTF-16 surrogate (pairs are fine). */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/;
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * True when a string in the parsed body (a key or a value) holds a NUL character or an unpaired UTF-16
 * surrogate: valid JSON, but PostgreSQL stores neither (jsonb and text refuse them) and vendors reject the
 * surrogates. Only texts with such an escape are walked (raw JSON text cannot carry either); the walk is
 * bounded by the nesting check.
 */
export function hasUnstorableString(text: string, parsed: unknown): boolean {
  return SUSPECT_ESCAPE.test(text) && containsUnstorable(parsed);
}

function containsUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (Array.isArray(value)) return value.some(containsUnstorable);
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => UNSTORABLE.test(key) || containsUnstorable(item));
  }
  return false;
}

/**
 * Fastify's own JSON parser (same prototype-poisoning protection), behind the nesting check: a body
 * nested too deeply is a 400 in the error format before anything walks it; so is one with a NUL or an
 * unpaired surrogate in a string (which would otherwise reach PostgreSQL or a vendor and come back as a 500). Registered through Nest's
 * useBodyParser, which then leaves out the default one; call it before the app is initialised.
 */
export function installJsonBodyParser(
  app: NestFastifyApplication,
  bodyLimit: number,
  maxDepth = MAX_JSON_DEPTH,
): void {
  const parse = app.getHttpAdapter().getInstance().getDefaultJsonParser('error', 'error');
  app.useBodyParser('application/json', { bodyLimit }, (request, body, done) => {
    const text = body.toString('utf8');
    if (jsonNestingExceeds(text, maxDepth)) {
      done(
        new DomainException({
          status: 400,
          code: ErrorCode.BadRequest,
          message: `Request body is nested more than ${maxDepth} levels deep`,
        }),
        undefined,
      );
      return;
    }
    // the api serves HTTP/1.1: the default parser's request type is the one Fastify gives here
    parse(request as FastifyRequest, text, (error, parsed) => {
      if (!error && hasUnstorableString(text, parsed)) {
        done(
          new DomainException({
            status: 400,
            code: ErrorCode.BadRequest,
            message:
              'Request body contains a string with a NUL character (\\u0000) or an unpaired UTF-16 surrogate (\\uD800-\\uDFFF)',
          }),
          undefined,
        );
        return;
      }
      done(error, parsed);
    });
  });
}
