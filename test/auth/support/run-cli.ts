import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { ROOT } from '../../support/processes';

export const CREATE_USER_CLI = resolve(ROOT, 'dist/libs/auth/src/cli/create-user.js');

/** Runs a built command with arguments and optional stdin; resolves with its exit code and output. */
export function runCli(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdin?: string,
): Promise<{ code: number | null; output: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish within 30 s:\n${output}`));
    }, 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolvePromise({ code, output });
    });
    child.stdin.end(stdin ?? '');
  });
}
