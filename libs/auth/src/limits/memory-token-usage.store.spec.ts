import { tokenWindows } from './rate-windows';
import { MemoryTokenUsageStore } from './memory-token-usage.store';

describe('MemoryTokenUsageStore', () => {
  // 13:45:30 UTC: 30 s left in the minute.
  const start = Date.UTC(2026, 10, 23, 13, 45, 30);
  let now: number;
  let store: MemoryTokenUsageStore;

  beforeEach(() => {
    now = start;
    store = new MemoryTokenUsageStore(() => now);
  });

  const windowsOf = (tracker: string) => tokenWindows('p:', tracker, now);

  it('reads nothing for a caller that has spent nothing', async () => {
    await expect(store.read(windowsOf('user:u1'))).resolves.toEqual({ minute: 0, day: 0 });
  });

  it('adds each charge to the caller’s minute and day', async () => {
    await store.charge(windowsOf('user:u1'), 600);
    await store.charge(windowsOf('user:u1'), 400);
    await expect(store.read(windowsOf('user:u1'))).resolves.toEqual({ minute: 1_000, day: 1_000 });
  });

  it('keeps callers apart: a key is not its owner', async () => {
    await store.charge(windowsOf('user:u1'), 600);
    await store.charge(windowsOf('key:k1'), 5);
    await expect(store.read(windowsOf('key:k1'))).resolves.toEqual({ minute: 5, day: 5 });
    await expect(store.read(windowsOf('user:u2'))).resolves.toEqual({ minute: 0, day: 0 });
  });

  it('starts a new minute from zero while the day keeps counting', async () => {
    await store.charge(windowsOf('user:u1'), 600);
    now = start + 30_000;
    await expect(store.read(windowsOf('user:u1'))).resolves.toEqual({ minute: 0, day: 600 });
    await store.charge(windowsOf('user:u1'), 50);
    await expect(store.read(windowsOf('user:u1'))).resolves.toEqual({ minute: 50, day: 650 });
  });

  it('lets a counter expire when its window ends (memory is given back)', async () => {
    const windows = windowsOf('user:u1');
    await store.charge(windows, 600);
    now = start + windows.minuteResetMs - 1;
    await expect(store.read(windows)).resolves.toEqual({ minute: 600, day: 600 });
    now = start + windows.minuteResetMs + 1;
    await expect(store.read(windows)).resolves.toEqual({ minute: 0, day: 600 });
    now = start + windows.dayResetMs + 1;
    await expect(store.read(windows)).resolves.toEqual({ minute: 0, day: 0 });
  });

  it('stays within its bound, forgetting the least recently used counters', async () => {
    const small = new MemoryTokenUsageStore(() => now, 4);
    for (const tracker of ['user:a', 'user:b', 'user:c']) await small.charge(windowsOf(tracker), 1);
    await expect(small.read(windowsOf('user:a'))).resolves.toEqual({ minute: 0, day: 0 });
    await expect(small.read(windowsOf('user:c'))).resolves.toEqual({ minute: 1, day: 1 });
  });
});
