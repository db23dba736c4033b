import type { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketHandler, type PGLiteSocketHandlerOptions } from '@electric-sql/pglite-socket';
import { createServer, type Socket } from 'node:net';
import { PgliteSessionScheduler } from './pglite-session-scheduler';

export interface PgliteSocketServer {
  close(): Promise<void>;
}

/**
 * pglite-socket's connection handler (the PostgreSQL wire protocol per socket) on a Unix socket, with the
 * session scheduler in place of its own queue (see PgliteSessionScheduler for why).
 */
export async function servePglite(
  db: PGlite,
  path: string,
  maxConnections: number,
): Promise<PgliteSocketServer> {
  // The handler only calls enqueue / clearQueueForHandler / clearTransactionIfNeeded on its queue; the
  // declared type is a class with private fields, which no other class can satisfy structurally.
  const queryQueue = new PgliteSessionScheduler(db) as unknown as PGLiteSocketHandlerOptions['queryQueue'];
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    new PGLiteSocketHandler({ queryQueue, closeOnDetach: true }).attach(socket).catch(() => socket.destroy());
  });
  server.maxConnections = maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
