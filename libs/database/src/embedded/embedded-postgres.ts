import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DataDirLock } from './data-dir-lock';

/** Only names the socket file (`.s.PGSQL.5432`): nothing listens on a TCP port. */
const SOCKET_PORT = 5432;

export interface EmbeddedPostgres {
  /** A `postgres://` URL for `pg`, TypeORM and BullMQ. */
  readonly url: string;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * A real PostgreSQL (PGlite: PostgreSQL compiled to WebAssembly) running in this process, its data in
 * `dataDir`, served on a private Unix socket so the ordinary `pg` driver paths (TypeORM, BullMQ) connect to it.
 * All clients share PGlite's single session, so session settings are global: `searchPath` must name every
 * schema any client relies on (BullMQ's pool sets its own path with a startup option PGlite ignores).
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  searchPath: readonly string[] = ['public'],
): Promise<EmbeddedPostgres> {
  const directory = resolve(dataDir);
  mkdirSync(directory, { recursive: true, mode: 0o700 });
  const lock = DataDirLock.acquire(directory);
  // The server trusts every client, so it listens on a Unix socket in a folder only this user can enter
  // (mkdtemp makes it 0700; a short path, as socket paths are limited to ~100 bytes), never on TCP.
  const socketDir = mkdtempSync(join(tmpdir(), 'mpb-pg-'));
  const cleanUp = (): void => {
    rmSync(socketDir, { recursive: true, force: true });
    lock.release();
  };
  try {
    // Loaded here, not at the top: full mode never loads PGlite (every process imports @app/database).
    const { runPglite } = await import('./pglite-runtime.js');
    const pglite = await runPglite(directory, searchPath, join(socketDir, `.s.PGSQL.${SOCKET_PORT}`));
    // libpq's convention, which pg follows: `host` names the socket's folder, the port completes its name.
    const url = `postgres://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socketDir)}`;
    return {
      url,
      dataDir: directory,
      stop: async () => {
        await pglite.close();
        cleanUp();
      },
    };
  } catch (error) {
    cleanUp();
    throw error;
  }
}
