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
 * fetch's default): a thousand open streams need a thousand connections. An idle socket is closed after
 * 4 s, as undici does, before a server's own keep-alive timeout (often 5 s) races a new request on it;
 * the timeout only ever closes idle sockets, never one a request or a stream is using.
 */
export function createNodeHttpAgents(): NodeHttpAgents {
  const options = { keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' as const, timeout: 4_000 };
  return { http: new HttpAgent(options), https: new HttpsAgent(options) };
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const PROXY_VARIABLES = ['HTTP_PROXY', 'HTTPS_PROXY', 'http_proxy', 'https_proxy', 'NODE_USE_ENV_PROXY'];

/**
 * A `fetch` for vendor SDKs over node:http with keep-alive pools. On this path the global fetch (undici)
 * costs several times more CPU per call: the SDK's string body is sent as a chunked stream (three writes),
 * and every response goes through web streams. Here the request is one write, a JSON answer is read
 * whole (see BufferedResponse), and only event streams keep a streaming body.
 *
 * Behaves like fetch where the SDKs look: network failures reject with `TypeError('fetch failed')` whose
 * `cause` is the socket error, an aborted signal rejects (or errors the body) with the signal's reason,
 * gzip/deflate/br bodies are decoded. Anything else (a Request object, a streamed or form body, another
 * scheme, a proxy configured in the environment) is handed to the global fetch unchanged.
 */
export function createNodeHttpFetch(agents: NodeHttpAgents = createNodeHttpAgents()): FetchFunction {
  const proxied = PROXY_VARIABLES.some((name) => process.env[name]);
  const targets = new TargetCache();
  return (input, init) => {
    const body = plainBody(init?.body);
    const target = !proxied && body !== false ? targets.get(input) : undefined;
    if (!target || body === false) return fetch(input, init);
    return send(target, init ?? {}, body, agents);
  };
}

/** A body sent as it is; false for the kinds left to fetch (streams, forms, blobs). */
function plainBody(body: BodyInit | null | undefined): string | Uint8Array | undefined | false {
  if (body === undefined || body === null) return undefined;
  return typeof body === 'string' || body instanceof Uint8Array ? body : false;
}

/** Where a URL points, parsed once: an SDK client calls the same few URLs over and over. */
interface Target {
  url: URL;
  secure: boolean;
  hostname: string;
  port: string;
  path: string;
  hostHeader: string;
}

class TargetCache {
  private readonly targets = new Map<string, Target | undefined>();

  get(input: string | URL | Request): Target | undefined {
    if (typeof input !== 'string' && !(input instanceof URL)) return undefined;
    const key = String(input);
    if (this.targets.has(key)) return this.targets.get(key);
    const target = parseTarget(new URL(key));
    // URLs with ids or query strings could be endless: keep the cache small and simple
    if (this.targets.size >= 1_000) this.targets.clear();
    this.targets.set(key, target);
    return target;
  }
}

function parseTarget(url: URL): Target | undefined {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
  if (url.username || url.password) return undefined;
  return {
    url,
    secure: url.protocol === 'https:',
    // node:http wants IPv6 literals without their brackets
    hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port,
    path: `${url.pathname}${url.search}`,
    hostHeader: url.host,
  };
}

function send(
  target: Target,
  init: RequestInit,
  body: string | Uint8Array | undefined,
  agents: NodeHttpAgents,
): Promise<Response> {
  const signal = init.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortReason(signal));
  const headers = headerList(init.headers, target.hostHeader, body);
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    let responseBody: Readable | undefined;
    const request = (target.secure ? httpsRequest : httpRequest)({
      protocol: target.url.protocol,
      hostname: target.hostname,
      port: target.port,
      path: target.path,
      method: init.method ?? 'GET',
      // a flat list is written as it is (still validated); an object costs a setHeader per name
      headers,
      agent: target.secure ? agents.https : agents.http,
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
        return settle(() => resolve(fetch(target.url, init)));
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
        settle(() => resolve(new BufferedResponse(whole, responseInit)));
      });
    });
    request.end(body);
  });
}

/**
 * A whole (non-stream) answer, kept as the bytes read. The Response constructor would wrap them in a
 * body stream and copy them, and text() would read them back through it (about 6 % of the gateway's CPU
 * per request in the benchmark). The body methods answer from the bytes; `body` is null, which the SDKs
 * never read for such answers (they call text()).
 */
class BufferedResponse extends Response {
  constructor(
    private readonly payload: Buffer<ArrayBuffer>,
    init: ResponseInit,
  ) {
    super(null, init);
  }

  override text(): Promise<string> {
    const text = this.payload.toString('utf8');
    // like fetch's UTF-8 decode, which drops a byte order mark
    return Promise.resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  }

  override async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.payload;
    return Promise.resolve(buffer.slice(byteOffset, byteOffset + byteLength));
  }

  override async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  override blob(): Promise<Blob> {
    return Promise.resolve(new Blob([this.payload], { type: this.headers.get('content-type') ?? '' }));
  }
}

function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/** The request headers as node:http's flat list, with Host and the body's Content-Length. */
function headerList(
  init: HeadersInit | undefined,
  host: string,
  body: string | Uint8Array | undefined,
): string[] {
  const list = ['host', host];
  if (body !== undefined) list.push('content-length', String(Buffer.byteLength(body)));
  if (init === undefined) return list;
  // Headers (of any realm) and pair lists iterate; a record does not.
  const pairs = Symbol.iterator in init ? (init as Iterable<[string, string]>) : Object.entries(init);
  for (const [name, value] of pairs) {
    const lower = name.toLowerCase();
    if (lower === 'host') list[1] = value;
    else if (lower !== 'content-length') list.push(lower, value);
  }
  return list;
}

/**
 * The response headers as name/value pairs, repeated names kept: the Response constructor fills its own
 * Headers from them (a Headers object here would be built, then copied into the Response's).
 */
function responseHeaders(response: IncomingMessage): [string, string][] {
  const raw = response.rawHeaders;
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
  return pairs;
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
