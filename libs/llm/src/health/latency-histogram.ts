/**
 * Log-scale latency histogram: bucket i holds (GROWTH^(i-1), GROWTH^i] ms, so memory is fixed, histograms
 * from several time buckets or instances merge by addition, and a percentile is off by at most ~10%.
 * 80 buckets of ×1.2 reach ~30 minutes; anything slower lands in the last one.
 */
const GROWTH = 1.2;
const LOG_GROWTH = Math.log(GROWTH);
export const HISTOGRAM_BUCKETS = 80;

/** [bucket index, count] pairs of the non-empty buckets: the compact form flushed to Redis. */
export type SparseHistogram = Array<[number, number]>;

export class LatencyHistogram {
  private readonly counts = new Uint32Array(HISTOGRAM_BUCKETS);
  private total = 0;

  get count(): number {
    return this.total;
  }

  add(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    this.counts[bucketIndex(ms)] += 1;
    this.total += 1;
  }

  addHistogram(other: LatencyHistogram): void {
    if (other.total === 0) return;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) this.counts[i] += other.counts[i];
    this.total += other.total;
  }

  addSparse(sparse: SparseHistogram): void {
    for (const [index, count] of sparse) {
      if (!Number.isInteger(index) || index < 0 || index >= HISTOGRAM_BUCKETS || !(count > 0)) continue;
      this.counts[index] += count;
      this.total += count;
    }
  }

  clear(): void {
    if (this.total === 0) return;
    this.counts.fill(0);
    this.total = 0;
  }

  /** Estimated q-quantile (0..1) in ms, undefined when empty. */
  percentile(q: number): number | undefined {
    if (this.total === 0) return undefined;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return representativeMs(i);
    }
    return representativeMs(HISTOGRAM_BUCKETS - 1);
  }

  toSparse(): SparseHistogram {
    const sparse: SparseHistogram = [];
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) if (this.counts[i] > 0) sparse.push([i, this.counts[i]]);
    return sparse;
  }
}

function bucketIndex(ms: number): number {
  if (ms <= 1) return 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, Math.ceil(Math.log(ms) / LOG_GROWTH));
}

/** Geometric middle of the bucket, which halves the worst-case relative error of reporting an edge. */
function representativeMs(index: number): number {
  if (index === 0) return 1;
  return Math.round(GROWTH ** (index - 0.5));
}
