import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';

/** One finished exchange with the gateway, body read to the end (or cut). */
export interface Exchange {
  status: number;
  headers: Headers;
  text: string;
}

export interface StreamOutcome extends Exchange {
  /** `done`: ended with `data: [DONE]`; `error`: ended with one error event; `cut`: neither. */
  ending: 'done' | 'error' | 'cut' | 'not-a-stream';
  /** data payloads in order */
  events: string[];
  /** the error event's body, when the stream ended with one */
  errorEvent?: { error: { code: string; message: string; requestId?: string } };
}

export function authHeaders(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...extra };
}

/** A JSON request; network failures (connection refused or reset) come back as status 0. */
export async function send(
  baseUrl: string,
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Exchange> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] ??= 'application/json';
  try {
    const res = await fetch(`${baseUrl}${path}`, {
      method,
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: AbortSignal.timeout(opts.timeoutMs ?? 20_000),
    });
    return { status: res.status, headers: res.headers, text: await res.text() };
  } catch (error) {
    return { status: 0, headers: new Headers(), text: String(error) };
  }
}

export function parseJson<T>(exchange: Exchange): T {
  return JSON.parse(exchange.text) as T;
}

/** POST /v1/chat/completions with stream: true; reads the whole stream and says how it ended. */
export async function streamChat(
  baseUrl: string,
  token: string,
  body: Record<string, unknown>,
  opts: { path?: string; headers?: Record<string, string>; timeoutMs?: number } = {},
): Promise<StreamOutcome> {
  const exchange = await send(baseUrl, 'POST', opts.path ?? '/v1/chat/completions', {
    token,
    body: { ...body, stream: true },
    headers: opts.headers,
    timeoutMs: opts.timeoutMs,
  });
  return readStream(exchange);
}

export function readStream(exchange: Exchange): StreamOutcome {
  if (exchange.status !== 200 || !exchange.headers.get('content-type')?.startsWith('text/event-stream'))
    return { ...exchange, ending: 'not-a-stream', events: [] };
  const events = exchange.text
    .split('\n\n')
    .map((block) =>
      block
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => line.slice('data: '.length))
        .join('\n'),
    )
    .filter(Boolean);
  const last = events.at(-1);
  if (last === '[DONE]') return { ...exchange, ending: 'done', events };
  if (last?.startsWith('{"error"')) {
    return {
      ...exchange,
      ending: 'error',
      events,
      errorEvent: JSON.parse(last) as StreamOutcome['errorEvent'],
    };
  }
  return { ...exchange, ending: 'cut', events };
}

export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A request with exactly these bytes and headers (node:http, no fetch normalisation): invalid UTF-8,
 * odd header values. Rejects on a network error or after `timeoutMs` without an answer (a hang).
 */
export function rawRequest(
  baseUrl: string,
  opts: {
    method: string;
    path: string;
    headers?: Record<string, string | string[]>;
    body?: Buffer | string;
    timeoutMs?: number;
  },
): Promise<RawReply> {
  const url = new URL(baseUrl); // the path goes as it is: `//users` is a path here, not a host
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: opts.method,
        path: opts.path,
        headers: opts.headers,
        timeout: opts.timeoutMs ?? 10_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${opts.timeoutMs ?? 10_000} ms`)));
    req.on('error', reject);
    req.end(opts.body);
  });
}
