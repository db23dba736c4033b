import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { DataDirLock } from './data-dir-lock';

/** BullMQ's PostgreSQL backend keeps its tables and functions in this schema (see @app/redis queues). */
const QUEUE_SCHEMA = 'bullmq';
/** PGlite serves one session; the socket server multiplexes this many client connections onto it. */
const MAX_CONNECTIONS = 200;

export interface EmbeddedPostgres {
  /** A `postgres://` URL for `pg`, TypeORM and BullMQ. */
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL (PGlite: PostgreSQL compiled to WebAssembly) running in this process, its data in
 * `dataDir`, served on a loopback port so the ordinary `pg` driver paths (TypeORM, BullMQ) connect to it.
 * All clients share PGlite's single session, so session settings are global: the search path names the
 * app's tables first, then the queue schema (BullMQ's pool sets its path with a startup option PGlite ignores).
 */
export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const directory = resolve(dataDir);
  mkdirSync(directory, { recursive: true });
  const lock = DataDirLock.acquire(directory);
  let db: PGlite | undefined;
  try {
    db = await PGlite.create({ dataDir: directory });
    await db.exec(`SET search_path TO public, ${QUEUE_SCHEMA}`);
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: 0,
      maxConnections: MAX_CONNECTIONS,
    });
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    const opened = db;
    return {
      url,
      dataDir: directory,
      stop: async () => {
        await server.stop().catch(() => undefined);
        await opened.close().catch(() => undefined);
        lock.release();
      },
    };
  } catch (error) {
    await db?.close().catch(() => undefined);
    lock.release();
    throw error;
  }
}
