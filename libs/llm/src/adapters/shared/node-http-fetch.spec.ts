import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createNodeHttpAgents, createNodeHttpFetch, type NodeHttpAgents } from './node-http-fetch';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

describe('createNodeHttpFetch', () => {
  let server: Server;
  let base: string;
  let handler: Handler;
  let agents: NodeHttpAgents;
  let connections: number;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (part: string) => (body += part));
      req.on('end', () => handler(req, res, body));
    });
    server.on('connection', () => connections++);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    agents = createNodeHttpAgents();
    connections = 0;
  });
  afterEach(() => {
    agents.http.destroy();
  });

  it('sends method, path, query, headers and body in one request and reads a JSON answer', async () => {
    let seen:
      { method?: string; url?: string; headers: IncomingMessage['headers']; body: string } | undefined;
    handler = (req, res, body) => {
      seen = { method: req.method, url: req.url, headers: req.headers, body };
      res.writeHead(201, { 'content-type': 'application/json', 'x-request-id': 'r1' }).end('{"ok":true}');
    };
    const fetch = createNodeHttpFetch(agents);
    const headers = new Headers({ authorization: 'Bearer k', 'Content-Type': 'application/json' });
    const response = await fetch(`${base}/v1/chat?api-version=1`, {
      method: 'POST',
      headers,
      body: '{"a":"é"}',
    });

    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-request-id')).toBe('r1');
    expect(await response.json()).toEqual({ ok: true });
    expect(seen).toMatchObject({
      method: 'POST',
      url: '/v1/chat?api-version=1',
      body: '{"a":"é"}',
      headers: {
        authorization: 'Bearer k',
        'content-type': 'application/json',
        'content-length': String(Buffer.byteLength('{"a":"é"}')),
        host: new URL(base).host,
      },
    });
  });

  it('keeps every value of a repeated response header, as fetch does', async () => {
    handler = (_req, res) => {
      res.setHeader('x-multi', ['a', 'b']);
      res.setHeader('set-cookie', ['c=1', 'd=2']);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    };
    const response = await createNodeHttpFetch(agents)(`${base}/multi`);
    expect(response.headers.get('x-multi')).toBe('a, b');
    expect(response.headers.getSetCookie()).toEqual(['c=1', 'd=2']);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('reads a buffered answer as text, JSON, bytes or a blob (without a byte order mark)', async () => {
    handler = (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('\ufeff{"n":1}');
    const fetch = createNodeHttpFetch(agents);
    expect(await (await fetch(`${base}/`)).text()).toBe('{"n":1}');
    expect(await (await fetch(`${base}/`)).json()).toEqual({ n: 1 });
    expect(Buffer.from(await (await fetch(`${base}/`)).arrayBuffer()).toString()).toBe('\ufeff{"n":1}');
    const blob = await (await fetch(`${base}/`)).blob();
    expect(blob.type).toBe('application/json');
    expect(blob.size).toBe(Buffer.byteLength('\ufeff{"n":1}'));
  });

  it('keeps the connection alive between calls', async () => {
    handler = (_req, res) => res.end('x');
    const fetch = createNodeHttpFetch(agents);
    for (let i = 0; i < 3; i++) expect(await (await fetch(`${base}/`)).text()).toBe('x');
    expect(connections).toBe(1);
  });

  it('streams an event stream as it arrives', async () => {
    let finish: () => void = () => undefined;
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
      finish = () => res.end('data: [DONE]\n\n');
    };
    const response = await createNodeHttpFetch(agents)(`${base}/s`, { method: 'POST', body: '{}' });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value!).toString()).toBe('data: 1\n\n');
    finish();
    let rest = '';
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      rest += Buffer.from(part.value).toString();
    }
    expect(rest).toBe('data: [DONE]\n\n');
  });

  it('rejects with the abort reason before the answer, and errors a stream body after it', async () => {
    handler = (req, res) => {
      if (req.url === '/never') return; // never answers
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: 1\n\n');
    };
    const fetch = createNodeHttpFetch(agents);
    const early = new AbortController();
    const pending = fetch(`${base}/slow`, { signal: early.signal, method: 'POST', body: '{}' });
    const late = new AbortController();
    const slow = fetch(`${base}/never`, { signal: late.signal });
    setTimeout(() => late.abort(), 20);
    await expect(slow).rejects.toMatchObject({ name: 'AbortError' });

    const response = await pending;
    const reader = response.body!.getReader();
    await reader.read();
    early.abort(new Error('the vendor was silent'));
    await expect(reader.read()).rejects.toThrow('the vendor was silent');
    await expect(fetch(`${base}/x`, { signal: early.signal })).rejects.toThrow('the vendor was silent');
  });

  it('reports network failures like fetch: TypeError("fetch failed") caused by the socket error', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await createNodeHttpFetch(agents)(`http://127.0.0.1:${port}/`).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(TypeError);
    expect(refused).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });

    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"partial":');
      setTimeout(() => res.destroy(), 10);
    };
    await expect(createNodeHttpFetch(agents)(`${base}/cut`)).rejects.toMatchObject({
      message: 'fetch failed',
    });
  });

  it('decodes gzip bodies and gives 204 no body', async () => {
    handler = (req, res) => {
      if (req.url === '/empty') return void res.writeHead(204).end();
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      res.end(gzipSync('{"zipped":true}'));
    };
    const fetch = createNodeHttpFetch(agents);
    expect(await (await fetch(`${base}/z`)).json()).toEqual({ zipped: true });
    const empty = await fetch(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
  });

  it('leaves redirects and streamed bodies to the global fetch', async () => {
    handler = (req, res, body) => {
      if (req.url === '/old') return void res.writeHead(307, { location: '/new' }).end();
      res.end(`${req.url} ${body}`);
    };
    const fetch = createNodeHttpFetch(agents);
    expect(await (await fetch(`${base}/old`, { method: 'POST', body: 'b' })).text()).toBe('/new b');
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const init: RequestInit & { duplex: 'half' } = { method: 'POST', body: stream, duplex: 'half' };
    expect(await (await fetch(`${base}/up`, init)).text()).toBe('/up streamed');
  });
});
