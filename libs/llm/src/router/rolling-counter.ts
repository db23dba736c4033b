/**
 * Event counts over a sliding window made of `bucketCount` fixed time buckets. Memory is fixed at
 * construction: recording is an index computation and an addition, nothing grows per event.
 * Several channels (e.g. requests and failures) share the buckets.
 */
export class RollingCounter {
  private readonly bucketMs: number;
  /** which bucket number each slot currently holds */
  private readonly slotBucket: Float64Array;
  /** counts[channel * bucketCount + slot] */
  private readonly counts: Float64Array;

  constructor(
    windowMs: number,
    private readonly bucketCount: number,
    private readonly channels: number,
  ) {
    this.bucketMs = Math.max(1, windowMs / bucketCount);
    this.slotBucket = new Float64Array(bucketCount).fill(-Infinity);
    this.counts = new Float64Array(bucketCount * channels);
  }

  add(channel: number, now: number, amount = 1): void {
    this.counts[channel * this.bucketCount + this.slotAt(now)] += amount;
  }

  sum(channel: number, now: number): number {
    const oldestLiveBucket = Math.floor(now / this.bucketMs) - this.bucketCount + 1;
    const base = channel * this.bucketCount;
    let total = 0;
    for (let slot = 0; slot < this.bucketCount; slot++) {
      if (this.slotBucket[slot] >= oldestLiveBucket) total += this.counts[base + slot];
    }
    return total;
  }

  reset(): void {
    this.slotBucket.fill(-Infinity);
    this.counts.fill(0);
  }

  /** The slot for `now`, cleared first when it still holds an older bucket. */
  private slotAt(now: number): number {
    const bucket = Math.floor(now / this.bucketMs);
    const slot = bucket % this.bucketCount;
    if (this.slotBucket[slot] !== bucket) {
      this.slotBucket[slot] = bucket;
      for (let channel = 0; channel < this.channels; channel++)
        this.counts[channel * this.bucketCount + slot] = 0;
    }
    return slot;
  }
}
