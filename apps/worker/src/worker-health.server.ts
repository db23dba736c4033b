import { AppConfig } from '@app/config';
import { ReadinessService } from '@app/health';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The worker's only HTTP surface: GET /health and GET /health/ready on `tasks.healthPort` (0 = off),
 * for container health checks. Same readiness as the api.
 */
@Injectable()
export class WorkerHealthServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('WorkerHealth');
  private server?: Server;

  constructor(
    private readonly config: AppConfig,
    private readonly readiness: ReadinessService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.tasks.healthPort) return;
    this.server = createServer((req, res) => void this.handle(req.url ?? '', res));
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.config.tasks.healthPort, this.config.server.host, resolve);
    });
    this.logger.log(`worker health on port ${(this.server.address() as AddressInfo).port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  private async handle(url: string, res: import('node:http').ServerResponse): Promise<void> {
    const path = url.split('?')[0];
    if (path === '/health') return send(res, 200, { status: 'ok' });
    if (path === '/health/ready') {
      const { ready, dependencies } = await this.readiness.check();
      return send(res, ready ? 200 : 503, { status: ready ? 'ready' : 'not_ready', dependencies });
    }
    send(res, 404, { error: { code: 'route_not_found', message: `No route: ${path}` } });
  }
}

function send(res: import('node:http').ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}
