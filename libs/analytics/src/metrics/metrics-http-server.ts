import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';

/** What a scrape answers: a registry's metrics, or text from elsewhere (an api cluster's aggregate). */
export type MetricsSource = Registry | (() => Promise<{ body: string; contentType: string }>);

/**
 * GET /metrics on its own port, without authentication (`analytics.metrics.port` / `workerPort`): for a
 * scraper on an internal network. Anything else is a 404.
 */
export class MetricsHttpServer {
  private server: Server | undefined;

  private readonly scrape: () => Promise<{ body: string; contentType: string }>;

  constructor(source: MetricsSource) {
    this.scrape =
      typeof source === 'function'
        ? source
        : async () => ({ body: await source.metrics(), contentType: source.contentType });
  }

  async listen(port: number, host: string): Promise<number> {
    const server = createServer((req, res) => {
      const path = (req.url ?? '').split('?')[0];
      if (req.method !== 'GET' || path !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
        return;
      }
      this.scrape().then(
        ({ body, contentType }) => res.writeHead(200, { 'content-type': contentType }).end(body),
        () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n'),
      );
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    return (server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
