import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Started {
  name: string;
  pid: number;
  output(): string;
  /** resident set size now, from /proc: the process and its descendants (an api cluster's workers) */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Spawns a bench process and resolves once its output matches `ready`, or the `ready` probe says so. */
export function startProcess(
  name: string,
  command: string[],
  ready: RegExp | (() => Promise<boolean>),
  env: NodeJS.ProcessEnv = process.env,
): Promise<Started> {
  const [bin, ...args] = command;
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    let resolved = false;
    const timer = setTimeout(() => {
      resolved = true;
      child.kill('SIGKILL');
      reject(new Error(`${name} did not start:\n${output}`));
    }, 30_000);
    const onReady = (): void => {
      if (resolved) return;
      resolved = true;
      clearTimeout(timer);
      resolve({
        name,
        pid: child.pid ?? 0,
        output: () => output,
        rssMb: () => processTree(child.pid ?? 0).reduce((sum, pid) => sum + rssKb(pid), 0) / 1024,
        stop: () =>
          new Promise((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
          }),
      });
    };
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      if (ready instanceof RegExp && ready.test(output)) onReady();
    };
    if (typeof ready === 'function') {
      const probe: () => Promise<boolean> = ready;
      const poll = async (): Promise<void> => {
        while (!resolved && child.exitCode === null) {
          if (await probe().catch(() => false)) return onReady();
          await new Promise((r) => setTimeout(r, 100));
        }
      };
      void poll();
    }
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (!resolved) reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}

/** A process and all its descendants (an api cluster: the primary and its workers). */
export function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    try {
      const children = readFileSync(`/proc/${tree[i]}/task/${tree[i]}/children`, 'utf8').trim();
      if (children) tree.push(...children.split(' ').map(Number));
    } catch {
      // exited meanwhile
    }
  }
  return tree;
}

function rssKb(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  } catch {
    return 0;
  }
}
