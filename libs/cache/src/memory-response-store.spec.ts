import { MemoryResponseStore } from './memory-response-store';

describe('MemoryResponseStore', () => {
  let now: number;
  const clock = (): number => now;
  const config = { ttlSeconds: 60, maxEntryBytes: 1_000 };

  beforeEach(() => {
    now = 1_000_000;
  });

  it('returns what was stored under the same key only', () => {
    const store = new MemoryResponseStore(config, { clock });
    store.set('a', 'alpha');
    store.set('b', 'beta');
    expect(store.get('a')).toBe('alpha');
    expect(store.get('b')).toBe('beta');
    expect(store.get('c')).toBeUndefined();
    store.set('a', 'again');
    expect(store.get('a')).toBe('again');
  });

  it('forgets an entry once its TTL has passed', () => {
    const store = new MemoryResponseStore(config, { clock });
    store.set('a', 'alpha');
    now += 59_999;
    expect(store.get('a')).toBe('alpha');
    now += 2;
    expect(store.get('a')).toBeUndefined();
    expect(store.size).toBe(0);
  });

  it('stays within its byte budget, dropping the least recently used entries first', () => {
    const store = new MemoryResponseStore(config, { clock, maxBytes: 300 });
    store.set('a', 'a'.repeat(100));
    store.set('b', 'b'.repeat(100));
    store.set('c', 'c'.repeat(100));
    expect(store.get('a')).toBeDefined(); // now the most recently used
    store.set('d', 'd'.repeat(100));
    expect(store.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((key) => store.get(key)?.length)).toEqual([100, 100, 100]);
  });

  it('counts UTF-8 bytes, and never keeps an entry over maxEntryBytes', () => {
    const store = new MemoryResponseStore({ ttlSeconds: 60, maxEntryBytes: 10 }, { clock });
    store.set('ascii', 'x'.repeat(10));
    store.set('wide', 'é'.repeat(6)); // 12 bytes
    expect(store.get('ascii')).toBeDefined();
    expect(store.get('wide')).toBeUndefined();
  });
});
