import { readFileSync } from 'node:fs';
import { DIST, spawnNode, type SpawnedProcess } from '../../support/processes';
import { testEnv } from '../../support/test-config';

/**
 * Config sections (server, auth, providers, routing, tasks, ...) for a spawned process. Each key of a
 * section becomes MPB__<section>__<key>=<JSON> (arrays such as `providers` go whole), so a section given
 * here adds to what the environment shortcuts (PORT, HOST, REDIS_URL, ...) already set instead of
 * replacing it.
 */
export type ConfigSections = Record<string, unknown>;

export interface GatewayEnvOptions {
  databaseUrl: string;
  redisUrl: string;
  keyPrefix: string;
  sections: ConfigSections;
  /** Raw variables on top (LOG_LEVEL, JWT_SECRET, ...). */
  env?: Record<string, string>;
}

/** The environment of a spawned api or worker: no config file, every section from MPB__ variables. */
export function gatewayEnv(opts: GatewayEnvOptions): NodeJS.ProcessEnv {
  const sections: Record<string, string> = {};
  for (const [name, value] of Object.entries(opts.sections)) {
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value))
        sections[`MPB__${name}__${key}`] = typeof inner === 'string' ? inner : JSON.stringify(inner);
    } else {
      sections[`MPB__${name}`] = typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return testEnv({
    databaseUrl: opts.databaseUrl,
    redisUrl: opts.redisUrl,
    extra: { REDIS_KEY_PREFIX: opts.keyPrefix, ...sections, ...opts.env },
  });
}

export interface ApiProcess {
  proc: SpawnedProcess;
  url: string;
  pid: number;
}

/** Starts dist/apps/api and waits until it listens (LOG_LEVEL info or lower: it reads the start-up line). */
export async function spawnApi(env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<ApiProcess> {
  const proc = spawnNode(DIST.api, env);
  const [, url] = await proc.waitForOutput(/api listening on (http:\/\/[^"\s]+)/, timeoutMs);
  return { proc, url: url.replace('[::1]', '127.0.0.1'), pid: proc.child.pid! };
}

/** Starts dist/apps/worker (migrations off: the api applies them) and waits until it takes task jobs. */
export async function spawnWorker(env: NodeJS.ProcessEnv, timeoutMs = 20_000): Promise<SpawnedProcess> {
  const proc = spawnNode(DIST.worker, { ...env, MPB__database__migrationsRun: 'false' });
  await proc.waitForOutput(/processing tasks jobs/, timeoutMs);
  return proc;
}

export function isRunning(proc: SpawnedProcess): boolean {
  return proc.child.exitCode === null && proc.child.signalCode === null;
}

/** SIGKILLs whatever still runs and waits for it (test clean-up). */
export async function killAll(procs: SpawnedProcess[]): Promise<void> {
  for (const proc of procs) if (isRunning(proc)) proc.child.kill('SIGKILL');
  await Promise.all(procs.map((proc) => proc.exited().catch(() => undefined)));
}

/** Resident set size of a process in bytes, from /proc (Linux). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(status)?.[1];
  if (!kb) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}
