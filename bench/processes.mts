import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Started {
  name: string;
  pid: number;
  output(): string;
  /** resident set size now, from /proc */
  rssMb(): number;
  stop(): Promise<void>;
}

/** Spawns a bench process and resolves once its output matches `ready`. */
export function startProcess(
  name: string,
  command: string[],
  ready: RegExp,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Started> {
  const [bin, ...args] = command;
  const child = spawn(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      if (output.length > 200_000) output = output.slice(-100_000);
      if (ready.test(output)) {
        clearTimeout(timer);
        resolve({
          name,
          pid: child.pid ?? 0,
          output: () => output,
          rssMb: () => {
            const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
            const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
            return kb / 1024;
          },
          stop: () =>
            new Promise((done) => {
              if (child.exitCode !== null) return done();
              child.once('exit', () => done());
              child.kill('SIGTERM');
              setTimeout(() => child.kill('SIGKILL'), 5_000).unref();
            }),
        });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited with ${code}:\n${output}`));
    });
  });
}
