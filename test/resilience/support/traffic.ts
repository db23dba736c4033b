/** One request of a traffic run, as the client saw it. */
export interface Outcome {
  kind: string;
  /** ms since the run started, when the request was sent */
  at: number;
  latencyMs: number;
  ok: boolean;
  status: number;
  /** error code (body or stream error event), or how a stream ended */
  detail?: string;
  /** x-gateway-deployment of a served answer */
  deployment?: string;
}

export type Probe = Omit<Outcome, 'at' | 'latencyMs' | 'kind'>;

/**
 * Open-loop traffic: request i is sent at start + i / ratePerSecond whether or not earlier ones have
 * answered (a slow gateway does not slow the load down), for `durationMs`. Resolves when every request
 * has settled; `stop()` ends the schedule early.
 */
export class SteadyTraffic {
  readonly outcomes: Outcome[] = [];
  private readonly pending = new Set<Promise<void>>();
  private stopped = false;
  private readonly started = Date.now();
  private readonly done: Promise<Outcome[]>;

  constructor(
    private readonly opts: {
      ratePerSecond: number;
      durationMs: number;
      /** picks the request for slot i: its kind and how to send it */
      request(i: number): { kind: string; send(): Promise<Probe> };
    },
  ) {
    this.done = this.run();
  }

  elapsedMs(): number {
    return Date.now() - this.started;
  }

  stop(): void {
    this.stopped = true;
  }

  finished(): Promise<Outcome[]> {
    return this.done;
  }

  private async run(): Promise<Outcome[]> {
    const interval = 1000 / this.opts.ratePerSecond;
    for (let i = 0; !this.stopped; i++) {
      const due = this.started + i * interval;
      if (due - this.started >= this.opts.durationMs) break;
      const wait = due - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (this.stopped) break;
      this.fire(i);
    }
    await Promise.all([...this.pending]);
    return this.outcomes;
  }

  private fire(i: number): void {
    const { kind, send } = this.opts.request(i);
    const at = this.elapsedMs();
    const sentAt = Date.now();
    const settled = send()
      .catch((error: unknown): Probe => ({ ok: false, status: 0, detail: `threw: ${String(error)}` }))
      .then((probe) => {
        this.outcomes.push({ kind, at, latencyMs: Date.now() - sentAt, ...probe });
      })
      .finally(() => this.pending.delete(settled));
    this.pending.add(settled);
  }
}

export interface TrafficSummary {
  requests: number;
  ok: number;
  successRate: number;
  /** failures by kind/status/detail, most frequent first */
  failures: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export function summarize(outcomes: Outcome[]): TrafficSummary {
  const ok = outcomes.filter((o) => o.ok).length;
  const failures: Record<string, number> = {};
  for (const o of outcomes.filter((x) => !x.ok)) {
    const key = `${o.kind} ${o.status} ${o.detail ?? ''}`.trim();
    failures[key] = (failures[key] ?? 0) + 1;
  }
  const latencies = outcomes.map((o) => o.latencyMs).sort((a, b) => a - b);
  return {
    requests: outcomes.length,
    ok,
    successRate: outcomes.length ? ok / outcomes.length : 1,
    failures,
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    maxMs: latencies.at(-1) ?? 0,
  };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export function countBy<T>(items: T[], key: (item: T) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const k = key(item) ?? 'none';
    counts[k] = (counts[k] ?? 0) + 1;
  }
  return counts;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export { waitUntil as waitFor } from '../../support/wait-until';
