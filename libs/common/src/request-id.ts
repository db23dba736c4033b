import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Fastify's genReqId: keep a sane caller-supplied x-request-id, else a new UUID.
 */
export function requestIdFor(raw: IncomingMessage): string {
  const header = raw.headers[REQUEST_ID_HEADER];
  const supplied = Array.isArray(header) ? header[0] : header;
  return supplied && ACCEPTABLE_ID.test(supplied) ? supplied : randomUUID();
}
