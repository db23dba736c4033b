import { DAY_MS, HOUR_MS } from '../writer/rollup-layout';

export interface TimeRange {
  /** Inclusive, epoch ms. */
  from: number;
  /** Exclusive, epoch ms. */
  to: number;
}

/**
 * Where each part of a range is read from: whole UTC days from the daily rollup, the hours before the
 * first and after the last whole day from the hourly one.
 */
export interface RangeSlices {
  hourly: TimeRange[];
  daily: TimeRange | undefined;
}

/** Rollups have hour resolution: the range widens to whole hours (from rounded down, to rounded up). */
export function alignToHours(range: TimeRange): TimeRange {
  return { from: floorTo(range.from, HOUR_MS), to: ceilTo(range.to, HOUR_MS) };
}

export function splitByDays(range: TimeRange): RangeSlices {
  const firstDay = ceilTo(range.from, DAY_MS);
  const lastDay = floorTo(range.to, DAY_MS);
  if (firstDay >= lastDay) return { hourly: [range], daily: undefined };
  const hourly = [
    { from: range.from, to: firstDay },
    { from: lastDay, to: range.to },
  ].filter((slice) => slice.from < slice.to);
  return { hourly, daily: { from: firstDay, to: lastDay } };
}

function floorTo(epochMs: number, unitMs: number): number {
  return Math.floor(epochMs / unitMs) * unitMs;
}

function ceilTo(epochMs: number, unitMs: number): number {
  return Math.ceil(epochMs / unitMs) * unitMs;
}
