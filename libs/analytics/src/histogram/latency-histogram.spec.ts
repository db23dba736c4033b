import {
  addToHistogram,
  bucketIndex,
  emptyHistogram,
  LATENCY_BUCKET_BOUNDS_MS,
  LATENCY_BUCKET_COUNT,
  percentileFromHistogram,
} from './latency-histogram';

describe('latency histogram', () => {
  it('puts a latency in the first bucket whose upper bound holds it', () => {
    expect(bucketIndex(0)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.5)).toBe(1);
    expect(bucketIndex(100)).toBe(LATENCY_BUCKET_BOUNDS_MS.indexOf(100));
    expect(bucketIndex(101)).toBe(LATENCY_BUCKET_BOUNDS_MS.indexOf(125));
    expect(bucketIndex(10_000_000)).toBe(LATENCY_BUCKET_COUNT - 1);
  });

  it('has strictly increasing bounds', () => {
    for (let i = 1; i < LATENCY_BUCKET_BOUNDS_MS.length; i++) {
      expect(LATENCY_BUCKET_BOUNDS_MS[i]).toBeGreaterThan(LATENCY_BUCKET_BOUNDS_MS[i - 1]);
    }
  });

  it('is null when empty', () => {
    expect(percentileFromHistogram(emptyHistogram(), 0.5)).toBeNull();
  });

  it('interpolates inside the bucket holding the rank', () => {
    const h = emptyHistogram();
    // 100 values in (100, 125]: the median is half-way through the bucket
    for (let i = 0; i < 100; i++) addToHistogram(h, 110);
    expect(percentileFromHistogram(h, 0.5)).toBe(113);
    expect(percentileFromHistogram(h, 0.99)).toBe(125);
  });

  it('finds the bucket from cumulative counts', () => {
    const h = emptyHistogram();
    for (let i = 0; i < 90; i++) addToHistogram(h, 10);
    for (let i = 0; i < 10; i++) addToHistogram(h, 2_000);
    expect(percentileFromHistogram(h, 0.5)).toBeLessThanOrEqual(10);
    expect(percentileFromHistogram(h, 0.9)).toBe(10);
    const p95 = percentileFromHistogram(h, 0.95)!;
    expect(p95).toBeGreaterThan(1_500);
    expect(p95).toBeLessThanOrEqual(2_000);
  });

  it('estimates within one bucket of the exact percentile', () => {
    const values = Array.from({ length: 1_000 }, (_, i) => 5 + ((i * 7919) % 3_000));
    const h = emptyHistogram();
    values.forEach((v) => addToHistogram(h, v));
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1];
      const estimate = percentileFromHistogram(h, q)!;
      expect(Math.abs(estimate - exact) / exact).toBeLessThanOrEqual(0.25);
    }
  });

  it('reports the lower bound for the overflow bucket', () => {
    const h = emptyHistogram();
    addToHistogram(h, 1_000_000);
    expect(percentileFromHistogram(h, 0.5)).toBe(
      LATENCY_BUCKET_BOUNDS_MS[LATENCY_BUCKET_BOUNDS_MS.length - 1],
    );
  });
});
