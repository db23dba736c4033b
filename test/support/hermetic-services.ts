import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Throwaway PostgreSQL and Redis for the test run: started in a temp dir on free ports, removed afterwards.
 * Falls back to TEST_DATABASE_URL / TEST_REDIS_URL; otherwise says exactly what to install.
 */
export interface HermeticState {
  dir?: string;
  pgDataDir?: string;
  pgBin?: string;
  redisPid?: number;
  databaseUrl: string;
  redisUrl: string;
}

export const STATE_FILE = join(tmpdir(), `mpb-test-services-${process.ppid}-${process.pid}.json`);

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function findPgBin(): string | undefined {
  const fromPath = whichDir('initdb');
  if (fromPath) return fromPath;
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = join(root, v, 'bin');
    if (existsSync(join(bin, 'initdb'))) return bin;
  }
  return undefined;
}

export function whichDir(binary: string): string | undefined {
  try {
    const path = execFileSync('sh', ['-c', `command -v ${binary}`], { encoding: 'utf8' }).trim();
    return path ? path.slice(0, path.lastIndexOf('/')) : undefined;
  } catch {
    return undefined;
  }
}

/** PostgreSQL refuses to run as root: run its binaries as the `postgres` system user then. */
export function asPgUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

async function startPostgres(
  dir: string,
): Promise<Pick<HermeticState, 'pgDataDir' | 'pgBin' | 'databaseUrl'>> {
  const pgBin = findPgBin();
  if (!pgBin) throw new Error('no initdb');
  const dataDir = join(dir, 'pg');
  const socketDir = join(dir, 'pgsock');
  if (process.getuid?.() === 0) {
    execFileSync('mkdir', ['-p', dataDir, socketDir]);
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chmodSync(dir, 0o755);
    chownSync(dataDir, uid, gid);
    chownSync(socketDir, uid, gid);
  }
  const port = await freePort();
  const [initCmd, initArgs] = asPgUser(join(pgBin, 'initdb'), [
    '-D',
    dataDir,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  execFileSync(initCmd, initArgs, { stdio: 'ignore' });
  const [ctlCmd, ctlArgs] = asPgUser(join(pgBin, 'pg_ctl'), [
    '-D',
    dataDir,
    '-w',
    '-t',
    '30',
    '-l',
    join(dataDir, 'server.log'),
    '-o',
    `-p ${port} -k ${socketDir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300`,
    'start',
  ]);
  execFileSync(ctlCmd, ctlArgs, { stdio: 'ignore' });
  return { pgDataDir: dataDir, pgBin, databaseUrl: `postgres://postgres@127.0.0.1:${port}/postgres` };
}

async function startRedis(dir: string): Promise<Pick<HermeticState, 'redisPid' | 'redisUrl'>> {
  if (!whichDir('redis-server')) throw new Error('no redis-server');
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { detached: true, stdio: 'ignore' },
  );
  child.unref();
  await waitForPort(port);
  return { redisPid: child.pid, redisUrl: `redis://127.0.0.1:${port}` };
}

export async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}

export async function startHermeticServices(): Promise<HermeticState> {
  const external = { databaseUrl: process.env.TEST_DATABASE_URL, redisUrl: process.env.TEST_REDIS_URL };
  const dir = mkdtempSync(join(tmpdir(), 'mpb-test-'));
  const state: HermeticState = { dir, databaseUrl: '', redisUrl: '' };
  try {
    if (findPgBin()) Object.assign(state, await startPostgres(dir));
    else if (external.databaseUrl) state.databaseUrl = external.databaseUrl;
    if (whichDir('redis-server')) Object.assign(state, await startRedis(dir));
    else if (external.redisUrl) state.redisUrl = external.redisUrl;
  } catch (error) {
    stopHermeticServices(state);
    throw error;
  }
  const missing = [
    !state.databaseUrl && 'PostgreSQL (apt-get install postgresql, or set TEST_DATABASE_URL)',
    !state.redisUrl && 'Redis (apt-get install redis-server, or set TEST_REDIS_URL)',
  ].filter(Boolean);
  if (missing.length) {
    stopHermeticServices(state);
    throw new Error(`The e2e tests need real services. Missing: ${missing.join('; ')}`);
  }
  writeFileSync(STATE_FILE, JSON.stringify(state));
  return state;
}

export function stopHermeticServices(state: HermeticState): void {
  if (state.redisPid) {
    try {
      process.kill(state.redisPid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  if (state.pgBin && state.pgDataDir) {
    try {
      const [cmd, args] = asPgUser(join(state.pgBin, 'pg_ctl'), [
        '-D',
        state.pgDataDir,
        '-m',
        'immediate',
        'stop',
      ]);
      execFileSync(cmd, args, { stdio: 'ignore' });
    } catch {
      /* already gone */
    }
  }
  if (state.dir) rmSync(state.dir, { recursive: true, force: true });
}
