import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy in front of a test dependency. `cut()` drops every connection and refuses new
 * ones, as if the dependency went away; `stall()` keeps every connection open but lets nothing through
 * (a hung server, a network partition without resets); `restore()` lets traffic through again. Lets one
 * test take "its" PostgreSQL or Redis down without disturbing the other test files sharing the real server.
 */
export class TcpProxy {
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;
  private up = true;
  private stalled = false;
  port = 0;

  private constructor(targetHost: string, targetPort: number) {
    this.server = createServer((client) => {
      if (!this.up) {
        client.destroy();
        return;
      }
      this.track(client);
      if (this.stalled) return; // accepted, never answered
      const upstream = connect(targetPort, targetHost);
      this.track(upstream);
      // Forwarded by hand so that a stall can swallow bytes in both directions.
      client.on('data', (data: Buffer) => {
        if (!this.stalled) upstream.write(data);
      });
      upstream.on('data', (data: Buffer) => {
        if (!this.stalled) client.write(data);
      });
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  }

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetHost, targetPort);
    await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
    const address = proxy.server.address();
    proxy.port = typeof address === 'object' && address ? address.port : 0;
    return proxy;
  }

  /** Rewrites a URL's host:port to go through this proxy. */
  static async forUrl(url: string): Promise<{ proxy: TcpProxy; url: string }> {
    const parsed = new URL(url);
    const proxy = await TcpProxy.start(parsed.hostname, Number(parsed.port));
    parsed.hostname = '127.0.0.1';
    parsed.port = String(proxy.port);
    return { proxy, url: parsed.toString() };
  }

  cut(): void {
    this.up = false;
    for (const socket of this.sockets) socket.destroy();
  }

  /** Every byte from now on goes nowhere; connections stay open and new ones are accepted but never served. */
  stall(): void {
    this.stalled = true;
  }

  /** Back to normal; connections that lived through a stall have lost bytes, so they are dropped. */
  restore(): void {
    if (this.stalled) for (const socket of this.sockets) socket.destroy();
    this.stalled = false;
    this.up = true;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
