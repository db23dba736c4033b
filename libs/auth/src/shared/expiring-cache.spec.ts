import { ExpiringCache } from './expiring-cache';

describe('ExpiringCache', () => {
  let now = 0;
  const clock = (): number => now;

  beforeEach(() => {
    now = 1_000;
  });

  it('forgets entries after the ttl', () => {
    const cache = new ExpiringCache<string>(100, 10, clock);
    cache.set('a', 'A');
    now += 99;
    expect(cache.get('a')).toBe('A');
    now += 1;
    expect(cache.get('a')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('drops the oldest entry past the size bound', () => {
    const cache = new ExpiringCache<number>(1_000, 2, clock);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('c', 3);
    expect([cache.get('a'), cache.get('b'), cache.get('c')]).toEqual([undefined, 2, 3]);
  });

  it('deletes by key and by predicate; a zero ttl caches nothing', () => {
    const cache = new ExpiringCache<{ owner: string }>(1_000, 10, clock);
    cache.set('a', { owner: 'x' });
    cache.set('b', { owner: 'y' });
    cache.deleteWhere((v) => v.owner === 'x');
    cache.delete('b');
    expect(cache.size).toBe(0);
    const off = new ExpiringCache<number>(0, 10, clock);
    off.set('a', 1);
    expect(off.get('a')).toBeUndefined();
  });
});
