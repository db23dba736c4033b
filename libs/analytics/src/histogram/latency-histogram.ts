/**
 * Fixed latency buckets (ms, upper bounds inclusive) shared by the writer and the queries: rollup rows
 * store one count per bucket, so percentiles over any range come from summed counts instead of raw
 * rows. Roughly 1-1.25-1.5-2-2.5-3-4-5-6-8 per decade: an estimate is off by at most one bucket's width
 * (≤ 25 %). The bounds are part of the stored data: changing them needs a migration that rewrites the
 * histograms.
 */
export const LATENCY_BUCKET_BOUNDS_MS: readonly number[] = [
  1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 125, 150, 200, 250, 300, 400, 500, 600,
  800, 1_000, 1_250, 1_500, 2_000, 2_500, 3_000, 4_000, 5_000, 6_000, 8_000, 10_000, 12_500, 15_000, 20_000,
  25_000, 30_000, 40_000, 50_000, 60_000, 80_000, 100_000, 125_000, 150_000, 200_000, 300_000, 600_000,
];

/** One more bucket than bounds: the last counts everything above the highest bound. */
export const LATENCY_BUCKET_COUNT = LATENCY_BUCKET_BOUNDS_MS.length + 1;

export function emptyHistogram(): number[] {
  return new Array<number>(LATENCY_BUCKET_COUNT).fill(0);
}

/** Index of the bucket a latency falls in (binary search over the bounds). */
export function bucketIndex(latencyMs: number): number {
  let low = 0;
  let high = LATENCY_BUCKET_BOUNDS_MS.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (latencyMs <= LATENCY_BUCKET_BOUNDS_MS[mid]) high = mid;
    else low = mid + 1;
  }
  return low;
}

export function addToHistogram(histogram: number[], latencyMs: number): void {
  histogram[bucketIndex(latencyMs)]++;
}

/**
 * The q-quantile (0 < q ≤ 1) estimated from bucket counts: the bucket holding the rank-th value, with
 * linear interpolation inside it (values are assumed spread evenly across the bucket). null when empty.
 */
export function percentileFromHistogram(counts: readonly number[], q: number): number | null {
  const total = counts.reduce((sum, c) => sum + c, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i];
    if (count === 0) continue;
    if (seen + count >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BUCKET_BOUNDS_MS[i - 1];
      // the overflow bucket has no upper bound: report its lower bound
      if (i >= LATENCY_BUCKET_BOUNDS_MS.length) return lower;
      const upper = LATENCY_BUCKET_BOUNDS_MS[i];
      return Math.round(lower + ((upper - lower) * (rank - seen)) / count);
    }
    seen += count;
  }
  return LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1];
}
