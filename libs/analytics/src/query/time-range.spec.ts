import { alignToHours, splitByDays } from './time-range';

const at = (iso: string): number => Date.parse(iso);

describe('time ranges over rollups', () => {
  it('widens a range to whole hours', () => {
    expect(alignToHours({ from: at('2026-01-01T10:15:00Z'), to: at('2026-01-01T12:00:01Z') })).toEqual({
      from: at('2026-01-01T10:00:00Z'),
      to: at('2026-01-01T13:00:00Z'),
    });
    const aligned = { from: at('2026-01-01T10:00:00Z'), to: at('2026-01-01T11:00:00Z') };
    expect(alignToHours(aligned)).toEqual(aligned);
  });

  it('reads whole days from the daily rollup and the edges from the hourly one', () => {
    const slices = splitByDays({ from: at('2026-01-01T22:00:00Z'), to: at('2026-01-04T03:00:00Z') });
    expect(slices.daily).toEqual({ from: at('2026-01-02T00:00:00Z'), to: at('2026-01-04T00:00:00Z') });
    expect(slices.hourly).toEqual([
      { from: at('2026-01-01T22:00:00Z'), to: at('2026-01-02T00:00:00Z') },
      { from: at('2026-01-04T00:00:00Z'), to: at('2026-01-04T03:00:00Z') },
    ]);
  });

  it('needs no hourly slices for day-aligned ranges, and no daily slice within one day', () => {
    expect(splitByDays({ from: at('2026-01-01T00:00:00Z'), to: at('2026-01-31T00:00:00Z') })).toEqual({
      hourly: [],
      daily: { from: at('2026-01-01T00:00:00Z'), to: at('2026-01-31T00:00:00Z') },
    });
    const sameDay = { from: at('2026-01-01T01:00:00Z'), to: at('2026-01-01T05:00:00Z') };
    expect(splitByDays(sameDay)).toEqual({ hourly: [sameDay], daily: undefined });
    const acrossMidnight = { from: at('2026-01-01T20:00:00Z'), to: at('2026-01-02T05:00:00Z') };
    expect(splitByDays(acrossMidnight)).toEqual({ hourly: [acrossMidnight], daily: undefined });
  });
});
