import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirLock } from './data-dir-lock';

describe('DataDirLock', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mpb-lock-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes this pid and removes the file on release', () => {
    const lock = DataDirLock.acquire(dir);
    expect(readFileSync(join(dir, 'gateway.pid'), 'utf8')).toBe(String(process.pid));
    lock.release();
    expect(existsSync(join(dir, 'gateway.pid'))).toBe(false);
  });

  it('refuses a folder held by a live process', () => {
    writeFileSync(join(dir, 'gateway.pid'), String(process.ppid));
    expect(() => DataDirLock.acquire(dir)).toThrow(`in use by process ${process.ppid}`);
  });

  it('takes over a lock left by a process that has exited', () => {
    const exited = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, 'gateway.pid'), exited.stdout.toString());
    DataDirLock.acquire(dir).release();
  });
});
