import type { JobType } from 'bullmq';
import type { GatewayMetrics } from './gateway-metrics';

/** What the gauge needs from a BullMQ queue (a Queue satisfies it). */
export interface CountableQueue {
  readonly name: string;
  getJobCounts(...types: JobType[]): Promise<Record<string, number>>;
}

const STATES: JobType[] = ['waiting', 'prioritized', 'active', 'delayed', 'failed'];
/** A scrape must not hang on an unreachable Redis: the gauge is left empty instead. */
const COUNT_TIMEOUT_MS = 1_000;

/** mpb_queue_jobs{queue,state}: BullMQ job counts, read from Redis on each scrape. */
export function registerQueueDepthGauge(metrics: GatewayMetrics, queues: readonly CountableQueue[]): void {
  metrics.addGauge('mpb_queue_jobs', 'BullMQ jobs per queue and state', ['queue', 'state'], async (gauge) => {
    gauge.reset();
    const counts = await Promise.all(queues.map((queue) => countsOf(queue)));
    queues.forEach((queue, i) => {
      const count = counts[i];
      if (!count) return;
      for (const state of STATES) gauge.set({ queue: queue.name, state }, count[state] ?? 0);
    });
  });
}

async function countsOf(queue: CountableQueue): Promise<Record<string, number> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), COUNT_TIMEOUT_MS)),
  );
  try {
    return await Promise.race([queue.getJobCounts(...STATES).catch(() => undefined), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
