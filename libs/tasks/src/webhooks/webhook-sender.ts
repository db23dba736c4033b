import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { VettedTarget } from './ssrf-guard';

export interface WebhookDeliveryRequest {
  target: VettedTarget;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
}

/** The receiver answered with something other than 2xx (redirects are not followed). */
export class WebhookRejectedError extends Error {
  constructor(readonly status: number) {
    super(`receiver answered ${status}`);
    this.name = 'WebhookRejectedError';
  }
}

/**
 * One POST to the vetted address: the connection goes to the address the SSRF guard checked (TLS still
 * verifies the host name), never to a fresh DNS answer. Resolves on 2xx; rejects on anything else.
 */
export function postWebhook({ target, body, headers, timeoutMs }: WebhookDeliveryRequest): Promise<number> {
  const send = target.url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(
      target.url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        lookup: pinnedLookup(target),
        timeout: timeoutMs,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res: IncomingMessage) => {
        res.resume(); // the body is not needed; drain it so the socket is released
        const status = res.statusCode ?? 0;
        res.once('end', () =>
          status >= 200 && status < 300 ? resolve(status) : reject(new WebhookRejectedError(status)),
        );
        res.once('error', reject);
      },
    );
    req.once('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.once('error', reject);
    req.end(body);
  });
}

function pinnedLookup(target: VettedTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}
