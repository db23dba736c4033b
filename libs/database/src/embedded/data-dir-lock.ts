import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One process per data folder: PGlite has no lock of its own, and two processes writing the same files
 * would corrupt them. A lock left by a process that no longer exists is taken over.
 */
export class DataDirLock {
  private constructor(private readonly file: string) {}

  static acquire(directory: string): DataDirLock {
    const file = join(directory, 'gateway.pid');
    const holder = readHolder(file);
    if (holder !== undefined && holder !== process.pid && isAlive(holder)) {
      throw new Error(
        `${directory} is in use by process ${holder}: embedded mode runs one process per data folder`,
      );
    }
    writeFileSync(file, String(process.pid));
    return new DataDirLock(file);
  }

  release(): void {
    if (readHolder(this.file) === process.pid) rmSync(this.file, { force: true });
  }
}

function readHolder(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
