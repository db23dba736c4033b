import type { Granularity, TimeRange } from '@app/analytics';
import { DomainException, ErrorCode } from '@app/common';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
export const DEFAULT_SPAN_MS = DAY_MS;
export const MAX_SPAN_MS = 400 * DAY_MS;
/** An hourly series is at most a month of buckets. */
export const MAX_HOURLY_SPAN_MS = 31 * DAY_MS;

/** The range a query asked for, defaults applied; 400 validation_failed when it makes no sense. */
export function resolveRange(
  from: string | undefined,
  to: string | undefined,
  now: number,
  granularity?: Granularity,
): TimeRange {
  const end = to === undefined ? now : Date.parse(to);
  const start = from === undefined ? end - DEFAULT_SPAN_MS : Date.parse(from);
  if (start >= end) throw invalid('from must be before to');
  if (end - start > MAX_SPAN_MS) throw invalid('from and to may be at most 400 days apart');
  if (granularity === 'hour' && end - start > MAX_HOURLY_SPAN_MS) {
    throw invalid('granularity hour covers at most 31 days; use granularity=day');
  }
  return { from: start, to: end };
}

function invalid(message: string): DomainException {
  return new DomainException({ status: 400, code: ErrorCode.ValidationFailed, message, details: [message] });
}
