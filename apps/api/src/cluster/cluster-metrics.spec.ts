import type { Cluster, Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { Counter, Registry } from 'prom-client';
import { metricsSource, serveClusterMetrics, type IpcChannel } from './cluster-metrics';

/** Both ends of the IPC between one worker and the primary, in one process. */
function ipcPair(aggregate: () => Promise<string>) {
  const primary = new EventEmitter();
  const workerSide = new EventEmitter();
  const worker = {
    isConnected: () => true,
    send: (message: unknown) => {
      setImmediate(() => workerSide.emit('message', message));
      return true;
    },
  };
  serveClusterMetrics(primary as unknown as Pick<Cluster, 'on'>, {
    clusterMetrics: aggregate,
    contentType: 'text/plain; version=0.0.4; charset=utf-8',
  });
  const channel: IpcChannel = {
    send: (message) => {
      setImmediate(() => primary.emit('message', worker as unknown as Worker, message));
      return true;
    },
    on: (event, listener) => workerSide.on(event, listener),
    off: (event, listener) => workerSide.off(event, listener),
  };
  return { channel, workerSide };
}

describe('metricsSource', () => {
  it("outside a cluster answers with the process's own registry", async () => {
    const registry = new Registry();
    new Counter({ name: 'own_total', help: 'h', registers: [registry] }).inc(2);
    const scrape = metricsSource(registry, false);
    const { body, contentType } = await scrape();
    expect(body).toContain('own_total 2');
    expect(contentType).toBe(registry.contentType);
  });

  it("in a cluster worker answers with the primary's aggregate, each reply matched to its request", async () => {
    let calls = 0;
    const { channel } = ipcPair(() => Promise.resolve(`cluster_total ${++calls}\n`));
    const scrape = metricsSource(new Registry(), true, channel);
    const [first, second] = await Promise.all([scrape(), scrape()]);
    expect([first.body, second.body].sort()).toEqual(['cluster_total 1\n', 'cluster_total 2\n']);
    expect(first.contentType).toContain('text/plain');
  });

  it('fails the scrape when the primary cannot collect the metrics', async () => {
    const { channel } = ipcPair(() => Promise.reject(new Error('Operation timed out.')));
    const scrape = metricsSource(new Registry(), true, channel);
    await expect(scrape()).rejects.toThrow('cluster metrics unavailable: Operation timed out.');
  });

  it('gives up when the primary does not answer', async () => {
    jest.useFakeTimers();
    try {
      const silent: IpcChannel = { send: () => true, on: jest.fn(), off: jest.fn() };
      const scrape = metricsSource(new Registry(), true, silent);
      const result = scrape();
      jest.advanceTimersByTime(6_000);
      await expect(result).rejects.toThrow('did not answer');
      expect(silent.off).toHaveBeenCalled();
    } finally {
      jest.useRealTimers();
    }
  });
});
