import nodeCluster, { type Cluster, type Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';

/** The Prometheus text of a scrape, with its content type. */
export interface MetricsText {
  contentType: string;
  body: string;
}

const REQUEST = 'mpb:cluster-metrics:request';
const REPLY = 'mpb:cluster-metrics:reply';
/** prom-client gives up on a silent worker after 5 s; the asking worker waits a little longer */
const REPLY_TIMEOUT_MS = 6_000;

interface MetricsRequest {
  type: typeof REQUEST;
  id: number;
}

interface MetricsReply {
  type: typeof REPLY;
  id: number;
  body?: string;
  contentType?: string;
  error?: string;
}

function isMessage<T extends { type: string }>(message: unknown, type: T['type']): message is T {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === type;
}

/**
 * The primary of an api cluster: answers a worker's request for the metrics of the whole cluster, which
 * prom-client's AggregatorRegistry collects from every worker (counters and histograms summed, so a
 * scrape that lands on any one process sees the totals).
 */
export function serveClusterMetrics(
  cluster: Pick<Cluster, 'on'> = nodeCluster,
  aggregator: Pick<
    AggregatorRegistry<'text/plain; version=0.0.4; charset=utf-8'>,
    'clusterMetrics' | 'contentType'
  > = new AggregatorRegistry(),
): void {
  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isMessage<MetricsRequest>(message, REQUEST)) return;
    const reply = (fields: Omit<MetricsReply, 'type' | 'id'>): void => {
      if (worker.isConnected()) worker.send({ type: REPLY, id: message.id, ...fields });
    };
    aggregator.clusterMetrics().then(
      (body) => reply({ body, contentType: aggregator.contentType }),
      (error: unknown) => reply({ error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

/** The process side of an IPC channel (process itself in a cluster worker). */
export interface IpcChannel {
  send?: (message: MetricsRequest) => boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  off(event: 'message', listener: (message: unknown) => void): unknown;
}

/**
 * Where a scrape gets its text: the process's own registry, or in an api cluster worker, the whole
 * cluster's metrics from the primary. A worker's registry joins the primary's collection as soon as this
 * is called (at start-up), so that no scrape waits on a worker that cannot answer.
 */
export function metricsSource(
  registry: Registry,
  isWorker: boolean = nodeCluster.isWorker,
  channel: IpcChannel = process,
): () => Promise<MetricsText> {
  const own = async (): Promise<MetricsText> => ({
    body: await registry.metrics(),
    contentType: registry.contentType,
  });
  if (!isWorker || !channel.send) return own;
  // the worker half of prom-client's aggregation: answer the primary with this registry
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
  let nextId = 0;
  return () =>
    new Promise<MetricsText>((resolve, reject) => {
      const id = nextId++;
      const done = (): void => {
        clearTimeout(timer);
        channel.off('message', onMessage);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error('the api cluster primary did not answer with the metrics'));
      }, REPLY_TIMEOUT_MS);
      function onMessage(message: unknown): void {
        if (!isMessage<MetricsReply>(message, REPLY) || message.id !== id) return;
        done();
        if (message.body !== undefined && message.contentType !== undefined)
          resolve({ body: message.body, contentType: message.contentType });
        else reject(new Error(`cluster metrics unavailable: ${message.error ?? 'no body'}`));
      }
      channel.on('message', onMessage);
      channel.send?.({ type: REQUEST, id });
    });
}
