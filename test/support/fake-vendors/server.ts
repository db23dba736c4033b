import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { matchRoute } from './routes';
import type { FakeBehaviour, FakeExchange, RecordedCall, Vendor } from './types';
import { sendJson, waitWhileConnected } from './wire';

type HandlerBehaviour = FakeExchange['behaviour'];

/**
 * One loopback HTTP server that answers as OpenAI, Azure OpenAI, Anthropic and Bedrock would, with a
 * scripted behaviour per request (FIFO per vendor, then the vendor's default) and every call recorded.
 */
export class FakeVendorServer {
  readonly calls: RecordedCall[] = [];
  private readonly queues = new Map<Vendor, FakeBehaviour[]>();
  private readonly defaults = new Map<Vendor, FakeBehaviour>();
  /** Emits 'change' whenever a call is recorded or marked aborted. */
  private readonly changes = new EventEmitter();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {
    this.changes.setMaxListeners(0);
  }

  static async start(): Promise<FakeVendorServer> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const fake = new FakeVendorServer(server, `http://127.0.0.1:${port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => void fake.handle(req, res));
    return fake;
  }

  enqueue(vendor: Vendor, ...behaviours: FakeBehaviour[]): void {
    this.queues.set(vendor, [...(this.queues.get(vendor) ?? []), ...behaviours]);
  }

  setDefault(vendor: Vendor, behaviour: FakeBehaviour): void {
    this.defaults.set(vendor, behaviour);
  }

  callsFor(vendor: Vendor): RecordedCall[] {
    return this.calls.filter((call) => call.vendor === vendor);
  }

  /** Forgets queued behaviours, defaults and recorded calls. */
  reset(): void {
    this.queues.clear();
    this.defaults.clear();
    this.calls.length = 0;
  }

  /** The nth call (1-based) for a vendor, once it has arrived with its body. */
  waitForCall(vendor: Vendor, nth = 1, timeoutMs = 2_000): Promise<RecordedCall> {
    return this.waitUntil(() => this.callsFor(vendor)[nth - 1], timeoutMs, `call #${nth} for ${vendor}`);
  }

  /** Resolves once the client has closed the connection of this call before its response finished. */
  async waitForAbort(call: RecordedCall, timeoutMs = 1_000): Promise<void> {
    await this.waitUntil(
      () => (call.aborted ? true : undefined),
      timeoutMs,
      `abort of ${call.method} ${call.path}`,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) =>
      this.server.close((error) => (error ? reject(error) : resolve())),
    );
  }

  private waitUntil<T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const onChange = (): void => {
        const value = check();
        if (value === undefined) return;
        finish();
        resolve(value);
      };
      const timer = setTimeout(() => {
        finish();
        reject(new Error(`fake vendor server: no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const finish = (): void => {
        clearTimeout(timer);
        this.changes.off('change', onChange);
      };
      this.changes.on('change', onChange);
      onChange();
    });
  }

  private nextBehaviour(vendor: Vendor): FakeBehaviour {
    return this.queues.get(vendor)?.shift() ?? this.defaults.get(vendor) ?? { kind: 'ok' };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const target = req.url ?? '/';
    const route = matchRoute(req.method ?? 'GET', new URL(target, this.url).pathname);
    if (!route) {
      sendJson(res, 404, {
        error: { message: `fake vendor server: no route for ${req.method} ${target}`, type: 'not_found' },
      });
      return;
    }
    const call: RecordedCall = {
      vendor: route.vendor,
      method: req.method ?? 'GET',
      path: target,
      headers: { ...req.headers },
      body: undefined,
      aborted: false,
    };
    this.trackAbort(req, res, call);
    call.body = await readBody(req).catch(() => undefined);
    this.record(call);
    if (res.destroyed) return;

    const behaviour = await settle(this.nextBehaviour(route.vendor), req, res);
    if (!behaviour) return;
    try {
      await route.handler({ req, res, body: call.body, params: route.params, behaviour, call });
    } catch (error) {
      if (res.headersSent) res.destroy();
      else
        sendJson(res, 500, {
          error: { message: `fake vendor handler failed: ${String(error)}`, type: 'fake_server_error' },
        });
    }
  }

  private record(call: RecordedCall): void {
    this.calls.push(call);
    this.changes.emit('change');
  }

  /**
   * A call is aborted when the client hung up (FIN or RST reached us) before the response finished;
   * connections the server cuts on purpose (reset, stream-die) do not count.
   */
  private trackAbort(req: IncomingMessage, res: ServerResponse, call: RecordedCall): void {
    const socket = req.socket;
    let clientHungUp = false;
    const onHangUp = (): void => {
      clientHungUp = true;
    };
    socket.on('end', onHangUp);
    socket.on('error', onHangUp);
    res.once('close', () => {
      socket.off('end', onHangUp);
      socket.off('error', onHangUp);
      if (res.writableFinished || !clientHungUp) return;
      call.aborted = true;
      this.changes.emit('change');
    });
  }
}

/** Applies the behaviours the server core owns (delay, reset, raw); undefined when nothing is left to answer. */
async function settle(
  behaviour: FakeBehaviour,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<HandlerBehaviour | undefined> {
  if (behaviour.kind === 'reset') {
    req.socket.destroy();
    return undefined;
  }
  if (behaviour.kind === 'raw') {
    res.writeHead(behaviour.status, { 'content-type': behaviour.contentType ?? 'application/json' });
    res.end(behaviour.body);
    return undefined;
  }
  if (behaviour.kind !== 'delay') return behaviour;
  const stillConnected = await waitWhileConnected(res, behaviour.ms);
  return stillConnected ? settle(behaviour.then ?? { kind: 'ok' }, req, res) : undefined;
}

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
