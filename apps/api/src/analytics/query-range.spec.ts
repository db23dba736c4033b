import { DomainException } from '@app/common';
import { resolveRange } from './query-range';

const NOW = Date.parse('2026-03-01T12:00:00Z');

describe('resolveRange', () => {
  it('defaults to the last 24 hours', () => {
    expect(resolveRange(undefined, undefined, NOW)).toEqual({ from: NOW - 86_400_000, to: NOW });
    expect(resolveRange(undefined, '2026-02-01T00:00:00Z', NOW)).toEqual({
      from: Date.parse('2026-01-31T00:00:00Z'),
      to: Date.parse('2026-02-01T00:00:00Z'),
    });
  });

  it.each([
    ['2026-03-01T00:00:00Z', '2026-03-01T00:00:00Z', undefined, 'from must be before to'],
    ['2024-01-01T00:00:00Z', '2026-03-01T00:00:00Z', undefined, 'at most 400 days'],
    [
      '2026-01-01T00:00:00Z',
      '2026-03-01T00:00:00Z',
      'hour' as const,
      'granularity hour covers at most 31 days',
    ],
  ])('refuses from=%s to=%s granularity=%s with 400', (from, to, granularity, message) => {
    try {
      resolveRange(from, to, NOW, granularity);
      throw new Error('expected a DomainException');
    } catch (error) {
      expect(error).toBeInstanceOf(DomainException);
      expect((error as DomainException).status).toBe(400);
      expect((error as DomainException).message).toContain(message);
    }
  });

  it('allows a 30-day daily series', () => {
    expect(() => resolveRange('2026-01-30T00:00:00Z', '2026-03-01T00:00:00Z', NOW, 'day')).not.toThrow();
  });
});
