import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asPgUser, findPgBin, freePort, waitForPort, whichDir } from '../../support/hermetic-services';

/**
 * `describe` when the binaries a dedicated server needs are installed (CI installs them), else
 * `describe.skip` with a line saying why: without them the e2e run uses TEST_DATABASE_URL / TEST_REDIS_URL,
 * servers a test must not restart.
 */
export function describeWithBinaries(kind: 'postgres' | 'redis'): jest.Describe {
  const installed = kind === 'postgres' ? findPgBin() !== undefined : whichDir('redis-server') !== undefined;
  if (installed) return describe;
  console.warn(
    `skipped: a dedicated ${kind} server needs its binaries (apt-get install postgresql redis-server)`,
  );
  return describe.skip;
}

/**
 * A Redis server of one test file's own, on a fixed port, that the test may really stop and start again
 * (the shared throwaway servers serve other test files in parallel and must stay up). Started with
 * `--save ''` and no AOF: a restart loses every key, as a Redis without persistence does in production.
 */
export class DedicatedRedis {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(): Promise<DedicatedRedis> {
    const redis = new DedicatedRedis(await freePort(), mkdtempSync(join(tmpdir(), 'mpb-redis-')));
    await redis.start();
    return redis;
  }

  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: this.dir, stdio: 'ignore' },
    );
    this.child = child;
    await waitForPort(this.port);
  }

  /** Kills the server (SIGKILL: no goodbye to clients, every key gone) and waits for it to be gone. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  async close(): Promise<void> {
    await this.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A PostgreSQL cluster of one test file's own (initdb into a temp dir, as the hermetic setup does), on a
 * fixed port, so a test can stop and start the real server. Run as the `postgres` user when root.
 */
export class DedicatedPostgres {
  private running = false;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get dataDir(): string {
    return join(this.dir, 'data');
  }

  private get socketDir(): string {
    return join(this.dir, 'sock');
  }

  static async start(): Promise<DedicatedPostgres> {
    const bin = findPgBin();
    if (!bin) throw new Error('PostgreSQL binaries (initdb, pg_ctl) not found: apt-get install postgresql');
    const dir = mkdtempSync(join(tmpdir(), 'mpb-pg-'));
    const pg = new DedicatedPostgres(await freePort(), dir, bin);
    mkdirSync(pg.dataDir);
    mkdirSync(pg.socketDir);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
      chmodSync(dir, 0o755);
      chownSync(pg.dataDir, uid, gid);
      chownSync(pg.socketDir, uid, gid);
    }
    pg.pg('initdb', ['-D', pg.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
    await pg.start();
    return pg;
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.pg('pg_ctl', [
      '-D',
      this.dataDir,
      '-w',
      '-t',
      '30',
      '-l',
      join(this.dataDir, 'server.log'),
      '-o',
      `-p ${this.port} -k ${this.socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
    this.running = true;
  }

  /** `fast`: a clean stop that disconnects every client; `immediate`: as if the server crashed. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    if (!this.running) return;
    this.running = false;
    this.pg('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  close(): void {
    try {
      this.stop('immediate');
    } catch {
      /* already gone */
    }
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pg(binary: string, args: string[]): void {
    const [command, commandArgs] = asPgUser(join(this.bin, binary), args);
    execFileSync(command, commandArgs, { stdio: 'ignore' });
  }
}
