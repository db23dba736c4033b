import { rssBytes } from './gateway-processes';

export interface Sample {
  /** seconds since sampling started */
  atS: number;
  rssMb: number;
  heapUsedMb?: number;
  /** event-loop delay p99 and max over the last scrape interval (prom-client resets it on each scrape) */
  eventLoopP99Ms?: number;
  eventLoopMaxMs?: number;
}

/** One number from a Prometheus text exposition, by metric name (no labels). */
export function metricValue(exposition: string, name: string): number | undefined {
  const line = exposition.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1).split(' ')[0]);
}

/**
 * Samples one process every `intervalMs`: RSS from /proc, and heap and event-loop delay from its
 * Prometheus metrics when `scrape` is given (prom-client's default metrics, prefix mpb_).
 */
export class ProcessSampler {
  readonly samples: Sample[] = [];
  private timer?: NodeJS.Timeout;
  private readonly started = Date.now();
  private busy = false;

  constructor(
    private readonly pid: number,
    private readonly scrape?: () => Promise<string>,
  ) {}

  start(intervalMs: number): this {
    this.timer = setInterval(() => void this.sample(), intervalMs);
    void this.sample();
    return this;
  }

  stop(): Sample[] {
    clearInterval(this.timer);
    return this.samples;
  }

  private async sample(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      const sample: Sample = { atS: (Date.now() - this.started) / 1000, rssMb: rssBytes(this.pid) / 2 ** 20 };
      if (this.scrape) {
        const text = await this.scrape().catch(() => '');
        const heap = metricValue(text, 'mpb_nodejs_heap_size_used_bytes');
        const p99 = metricValue(text, 'mpb_nodejs_eventloop_lag_p99_seconds');
        const max = metricValue(text, 'mpb_nodejs_eventloop_lag_max_seconds');
        if (heap !== undefined) sample.heapUsedMb = heap / 2 ** 20;
        if (p99 !== undefined) sample.eventLoopP99Ms = p99 * 1000;
        if (max !== undefined) sample.eventLoopMaxMs = max * 1000;
      }
      this.samples.push(sample);
    } catch {
      /* the process is gone: the test notices elsewhere */
    } finally {
      this.busy = false;
    }
  }
}

/** Least-squares slope of y over x. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.floor(sorted.length / 2)] : 0;
}

export interface Trend {
  samples: number;
  firstMb: number;
  lastMb: number;
  /** median of the last third minus median of the first third (after warm-up) */
  growthMb: number;
  /**
   * lowest value of the last third minus lowest of the first third: for the heap, what survives garbage
   * collection (a leak raises it; garbage waiting for the next major GC does not)
   */
  floorGrowthMb: number;
  /** least-squares slope, MB per minute */
  slopeMbPerMin: number;
  peakMb: number;
}

/** RSS (or heap) trend over the samples taken after `warmupS`. */
export function trendOf(samples: Sample[], warmupS: number, pick: (s: Sample) => number | undefined): Trend {
  const points = samples
    .filter((s) => s.atS >= warmupS)
    .map((s) => ({ x: s.atS, y: pick(s) }))
    .filter((p): p is { x: number; y: number } => p.y !== undefined);
  const third = Math.max(1, Math.floor(points.length / 3));
  const ys = points.map((p) => p.y);
  return {
    samples: points.length,
    firstMb: round(ys[0] ?? 0),
    lastMb: round(ys.at(-1) ?? 0),
    growthMb: round(median(ys.slice(-third)) - median(ys.slice(0, third))),
    floorGrowthMb: round(Math.min(...ys.slice(-third)) - Math.min(...ys.slice(0, third))),
    slopeMbPerMin: round(slope(points) * 60),
    peakMb: round(Math.max(0, ...ys)),
  };
}

export const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;
