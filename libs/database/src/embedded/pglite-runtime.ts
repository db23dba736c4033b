import { PGlite } from '@electric-sql/pglite';
import { servePglite } from './pglite-socket-server';

/** PGlite serves one session; the socket server multiplexes this many client connections onto it. */
const MAX_CONNECTIONS = 200;

export interface RunningPglite {
  close(): Promise<void>;
}

/**
 * Opens PGlite on `dataDir` and serves it on the Unix socket `socketPath`. Its own module so that only
 * embedded mode loads PGlite (see startEmbeddedPostgres).
 */
export async function runPglite(
  dataDir: string,
  searchPath: readonly string[],
  socketPath: string,
): Promise<RunningPglite> {
  const db = await PGlite.create({ dataDir });
  try {
    await db.exec(`SET search_path TO ${searchPath.map((schema) => `"${schema}"`).join(', ')}`);
    const server = await servePglite(db, socketPath, MAX_CONNECTIONS);
    return {
      close: async () => {
        await server.close();
        await db.close().catch(() => undefined);
      },
    };
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
