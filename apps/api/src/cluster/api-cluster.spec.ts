import type { Cluster, Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { apiProcessCount, runApiCluster } from './api-cluster';

/** A stand-in for a forked worker: tests emit its 'listening' and 'exit' events. */
class FakeWorker extends EventEmitter {
  readonly signals: string[] = [];
  readonly process = { pid: 1000, kill: (signal: string) => this.signals.push(signal) };
}

function setup(processes: number) {
  const workers: FakeWorker[] = [];
  const exits: number[] = [];
  const handlers = new Map<string, () => void>();
  const logger = { log: jest.fn(), error: jest.fn(), warn: jest.fn() };
  const cluster = {
    fork: () => {
      const worker = new FakeWorker();
      workers.push(worker);
      return worker as unknown as Worker;
    },
  } satisfies Pick<Cluster, 'fork'>;
  runApiCluster({
    processes,
    shutdownTimeoutMs: 1_000,
    logger,
    restartDelayMs: 10,
    cluster,
    exit: (code) => exits.push(code),
    onSignal: (signal, handler) => handlers.set(signal, handler),
  });
  return { workers, exits, handlers, logger };
}

describe('apiProcessCount', () => {
  it('takes a number as it is and auto as the CPUs available', () => {
    expect(apiProcessCount(3, () => 8)).toBe(3);
    expect(apiProcessCount('auto', () => 4)).toBe(4);
    expect(apiProcessCount('auto', () => 0)).toBe(1);
  });
});

describe('runApiCluster', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('starts one process, then the others once it listens', () => {
    const { workers, logger } = setup(3);
    expect(workers).toHaveLength(1);
    workers[0].emit('listening');
    expect(workers).toHaveLength(3);
    expect(logger.log).not.toHaveBeenCalledWith('api cluster: 3 processes listening');
    workers[1].emit('listening');
    workers[2].emit('listening');
    expect(logger.log).toHaveBeenCalledWith('api cluster: 3 processes listening');
  });

  it('stops when the first process dies before listening (bad config, database down)', () => {
    const { workers, exits } = setup(2);
    workers[0].emit('exit', 1, null);
    expect(exits).toEqual([1]);
    jest.advanceTimersByTime(60_000);
    expect(workers).toHaveLength(1);
  });

  it('replaces a process that dies after the cluster started', () => {
    const { workers, exits } = setup(2);
    workers[0].emit('listening');
    workers[1].emit('listening');
    workers[1].emit('exit', null, 'SIGKILL');
    expect(workers).toHaveLength(2);
    jest.advanceTimersByTime(10);
    expect(workers).toHaveLength(3);
    expect(exits).toEqual([]);
  });

  it('waits longer each time a replacement dies before listening', () => {
    const { workers } = setup(2);
    workers[0].emit('listening');
    workers[1].emit('listening');
    workers[1].emit('exit', 1, null); // after listening: replaced after the first delay
    jest.advanceTimersByTime(10);
    workers[2].emit('exit', 1, null); // before listening: still the first delay, then twice that
    jest.advanceTimersByTime(10);
    expect(workers).toHaveLength(4);
    workers[3].emit('exit', 1, null);
    jest.advanceTimersByTime(10);
    expect(workers).toHaveLength(4);
    jest.advanceTimersByTime(10);
    expect(workers).toHaveLength(5);
    workers[4].emit('listening'); // a process that listens resets the delay
    workers[4].emit('exit', 1, null);
    jest.advanceTimersByTime(10);
    expect(workers).toHaveLength(6);
  });

  it('passes SIGTERM on to every process and exits 0 once they all exited cleanly', () => {
    const { workers, exits, handlers } = setup(2);
    workers[0].emit('listening');
    handlers.get('SIGTERM')?.();
    expect(workers.map((w) => w.signals)).toEqual([['SIGTERM'], ['SIGTERM']]);
    workers[0].emit('exit', 0, null);
    expect(exits).toEqual([]);
    workers[1].emit('exit', 0, null);
    expect(exits).toEqual([0]);
    jest.advanceTimersByTime(60_000);
    expect(workers).toHaveLength(2);
  });

  it('exits 0 on SIGTERM after a crashed process was replaced (only the shutdown decides the code)', () => {
    const { workers, exits, handlers } = setup(2);
    workers[0].emit('listening');
    workers[1].emit('listening');
    workers[1].emit('exit', 1, null);
    jest.advanceTimersByTime(10);
    workers[2].emit('listening');
    handlers.get('SIGTERM')?.();
    workers[0].emit('exit', 0, null);
    workers[2].emit('exit', 0, null);
    expect(exits).toEqual([0]);
  });

  it('exits 1 when a process failed its shutdown, and kills those still running after the timeout', () => {
    const failed = setup(2);
    failed.workers[0].emit('listening');
    failed.handlers.get('SIGINT')?.();
    failed.workers[0].emit('exit', 1, null);
    failed.workers[1].emit('exit', 0, null);
    expect(failed.exits).toEqual([1]);

    const hung = setup(2);
    hung.workers[0].emit('listening');
    hung.handlers.get('SIGTERM')?.();
    hung.workers[0].emit('exit', 0, null);
    jest.advanceTimersByTime(3_000);
    expect(hung.workers[1].signals).toEqual(['SIGTERM', 'SIGKILL']);
    expect(hung.exits).toEqual([1]);
  });
});
