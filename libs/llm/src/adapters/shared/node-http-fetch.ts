import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** The `fetch` signature vendor SDKs accept. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface NodeHttpAgents {
  http: HttpAgent;
  https: HttpsAgent;
}

/**
 * Keep-alive pools shared by every vendor client of the process. No cap on sockets per origin (like
 * fetch's default): a thousand open streams need a thousand connections.
 */
export function createNodeHttpAgents(): NodeHttpAgents {
  const options = { keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const };
  return { http: new HttpAgent(options), https: new HttpsAgent(options) };
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NODE_USE_ENV_PROXY'];

/**
 * A `fetch` for vendor SDKs over node:http with keep-alive pools. On this path the global fetch (undici)
 * costs several times more CPU per call: the SDK's string body is sent as a chunked stream (three writes),
 * and every response goes through web streams. Here the request is one write, a JSON answer is read
 * whole into a Response, and only event streams keep a streaming body.
 *
 * Behaves like fetch where the SDKs look: network failures reject with `TypeError('fetch failed')` whose
 * `cause` is the socket error, an aborted signal rejects (or errors the body) with the signal's reason,
 * gzip/deflate/br bodies are decoded. Anything else (a Request object, a streamed or form body, another
 * scheme, a proxy configured in the environment) is handed to the global fetch unchanged.
 */
export function createNodeHttpFetch(agents: NodeHttpAgents = createNodeHttpAgents()): FetchFunction {
  const proxied = PROXY_VARIABLES.some((name) => process.env[name]);
  return (input, init) => {
    const body = init?.body;
    const plainBody =
      body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (proxied || !plainBody || (typeof input !== 'string' && !(input instanceof URL))) {
      return fetch(input, init);
    }
    const url = typeof input === 'string' ? new URL(input) : input;
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return fetch(input, init);
    return send(url, init ?? {}, body ?? undefined, agents);
  };
}

function send(
  url: URL,
  init: RequestInit,
  body: string | Uint8Array | undefined,
  agents: NodeHttpAgents,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const headers = headerRecord(init.headers);
  if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
  const secure = url.protocol === 'https:';
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let responseBody: Readable | undefined;
    const request = (secure ? httpsRequest : httpRequest)(url, {
      method: init.method ?? 'GET',
      headers,
      agent: secure ? agents.https : agents.http,
    });
    const detach = (): void => signal?.removeEventListener('abort', onAbort);
    const settle = (outcome: () => void): void => {
      detach();
      if (settled) return;
      settled = true;
      outcome();
    };
    const fail = (error: unknown): void =>
      settle(() => reject(new TypeError('fetch failed', { cause: error })));
    function onAbort(): void {
      const reason = abortReason(signal);
      settle(() => reject(reason));
      // A body already handed out fails with the reason too (the SDKs end a stream quietly on AbortError).
      const error = reason instanceof Error ? reason : new DOMException(String(reason), 'AbortError');
      responseBody?.destroy(error);
      request.destroy(error);
    }
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', fail);
    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status < 200 || status > 599) {
        response.destroy();
        return fail(new Error(`invalid HTTP status ${status}`));
      }
      if (REDIRECT_STATUSES.has(status) && init.redirect !== 'manual') {
        // Rare for a vendor API: let fetch follow it (the body is a string, so it can be sent again).
        response.resume();
        return settle(() => resolve(fetch(url, init)));
      }
      const responseInit = {
        status,
        statusText: response.statusMessage ?? '',
        headers: responseHeaders(response),
      };
      if (NULL_BODY_STATUSES.has(status)) {
        response.resume();
        return settle(() => resolve(new Response(null, responseInit)));
      }
      const decoded = decode(response);
      responseBody = decoded;
      if (isEventStream(response)) {
        // The body outlives this promise; until it closes, an abort errors it, as with fetch.
        settled = true;
        decoded.once('close', detach);
        return resolve(new Response(Readable.toWeb(decoded) as ReadableStream<Uint8Array>, responseInit));
      }
      // Socket reads are never backed by a SharedArrayBuffer.
      const chunks: Buffer<ArrayBuffer>[] = [];
      let ended = false;
      decoded.on('data', (chunk: Buffer<ArrayBuffer>) => chunks.push(chunk));
      decoded.once('error', fail);
      decoded.once('close', () => {
        if (!ended) fail(new Error('the connection closed before the response body ended'));
      });
      decoded.once('end', () => {
        ended = true;
        const whole = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
        settle(() => resolve(new Response(whole, responseInit)));
      });
    });
    request.end(body);
  });
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  if (init === undefined) return record;
  // Headers (of any realm) and pair lists iterate; a record does not.
  if (Symbol.iterator in init) {
    for (const [name, value] of init as Iterable<[string, string]>) record[name.toLowerCase()] = value;
    return record;
  }
  for (const [name, value] of Object.entries(init)) record[name.toLowerCase()] = value;
  return record;
}

function responseHeaders(response: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = response.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  return headers;
}

function isEventStream(response: IncomingMessage): boolean {
  return response.headers['content-type']?.toLowerCase().startsWith('text/event-stream') === true;
}

/** The body with its content-encoding removed (fetch does the same); errors of either side end both. */
function decode(response: IncomingMessage): Readable {
  const encoding = response.headers['content-encoding']?.trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  response.on('error', (error) => decoder.destroy(error));
  decoder.on('error', () => response.destroy());
  return response.pipe(decoder);
}
