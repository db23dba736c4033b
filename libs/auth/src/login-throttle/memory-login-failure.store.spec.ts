import { MemoryLoginFailureStore } from './memory-login-failure.store';

describe('MemoryLoginFailureStore', () => {
  let now: number;
  let store: MemoryLoginFailureStore;

  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryLoginFailureStore(() => now);
  });

  it('has no record for a subject that never failed', async () => {
    await expect(store.read(['acct:a', 'ip:1'])).resolves.toEqual([undefined, undefined]);
  });

  it('counts failures per key and remembers the last one', async () => {
    await store.recordFailure(['acct:a', 'ip:1'], 10, 60_000);
    await store.recordFailure(['acct:b', 'ip:1'], 20, 60_000);
    await expect(store.read(['acct:a', 'acct:b', 'ip:1'])).resolves.toEqual([
      { failures: 1, lastFailureAt: 10 },
      { failures: 1, lastFailureAt: 20 },
      { failures: 2, lastFailureAt: 20 },
    ]);
  });

  it('forgets a record `keepMs` after its last failure, each failure extending it', async () => {
    await store.recordFailure(['acct:a'], now, 60_000);
    now += 50_000;
    await store.recordFailure(['acct:a'], now, 60_000);
    now += 59_000;
    await expect(store.read(['acct:a'])).resolves.toEqual([{ failures: 2, lastFailureAt: now - 59_000 }]);
    now += 1_001;
    await expect(store.read(['acct:a'])).resolves.toEqual([undefined]);
  });

  it('clears one key and leaves the others', async () => {
    await store.recordFailure(['acct:a', 'ip:1'], now, 60_000);
    await store.clear('acct:a');
    await expect(store.read(['acct:a', 'ip:1'])).resolves.toEqual([
      undefined,
      { failures: 1, lastFailureAt: now },
    ]);
  });
});
