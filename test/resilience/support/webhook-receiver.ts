import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface WebhookDelivery {
  taskId: string;
  status: string;
  body: string;
  signature: string;
}

/** A loopback webhook endpoint that records every delivery (always answers 200). */
export class WebhookReceiver {
  readonly deliveries: WebhookDelivery[] = [];

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}/hooks`);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let task: { id?: string; status?: string } = {};
        try {
          task = (JSON.parse(body) as { task?: typeof task }).task ?? {};
        } catch {
          /* recorded as is */
        }
        receiver.deliveries.push({
          taskId: task.id ?? '?',
          status: task.status ?? '?',
          body,
          signature: String(req.headers['x-gateway-signature'] ?? ''),
        });
        res.writeHead(200).end();
      });
    });
    return receiver;
  }

  /** Deliveries per task id. */
  countsByTask(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const d of this.deliveries) counts.set(d.taskId, (counts.get(d.taskId) ?? 0) + 1);
    return counts;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
