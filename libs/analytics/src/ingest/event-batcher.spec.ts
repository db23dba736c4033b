import { EventBatcher, type BatcherOptions } from './event-batcher';

const OPTIONS: BatcherOptions = { batchSize: 3, flushIntervalMs: 200, maxBuffered: 10 };

function harness(options: BatcherOptions = OPTIONS) {
  const sent: number[][] = [];
  let dropped = 0;
  let failNext = 0;
  const pending: (() => void)[] = [];
  let hold = false;
  const batcher = new EventBatcher<number>(options, {
    send: async (batch) => {
      if (hold) await new Promise<void>((resolve) => pending.push(resolve));
      if (failNext > 0) {
        failNext--;
        throw new Error('redis down');
      }
      sent.push(batch);
    },
    onDropped: (count) => (dropped += count),
  });
  return {
    batcher,
    sent,
    dropped: () => dropped,
    failNext: (n: number) => (failNext = n),
    hold: (on: boolean) => (hold = on),
    release: () => pending.splice(0).forEach((resolve) => resolve()),
  };
}

/** Lets promise callbacks (the send and what follows it) run under fake timers. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('EventBatcher', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('sends as soon as a batch is full', async () => {
    const h = harness();
    [1, 2, 3].forEach((n) => h.batcher.add(n));
    await settle();
    expect(h.sent).toEqual([[1, 2, 3]]);
  });

  it('sends a partial batch once the interval has passed, not before', async () => {
    const h = harness();
    h.batcher.add(1);
    h.batcher.add(2);
    jest.advanceTimersByTime(199);
    await settle();
    expect(h.sent).toEqual([]);
    jest.advanceTimersByTime(1);
    await settle();
    expect(h.sent).toEqual([[1, 2]]);
  });

  it('keeps one send in flight; what arrives meanwhile goes next', async () => {
    const h = harness();
    h.hold(true);
    [1, 2, 3, 4, 5, 6, 7].forEach((n) => h.batcher.add(n));
    await settle();
    expect(h.batcher.pending).toBe(7);
    h.hold(false);
    h.release();
    await settle();
    expect(h.sent).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    jest.advanceTimersByTime(200);
    await settle();
    expect(h.sent[2]).toEqual([7]);
  });

  it('puts a failed batch back in front and retries it after the interval', async () => {
    const h = harness();
    h.failNext(1);
    [1, 2, 3].forEach((n) => h.batcher.add(n));
    await settle();
    h.batcher.add(4);
    expect(h.sent).toEqual([]);
    expect(h.batcher.pending).toBe(4);
    jest.advanceTimersByTime(200);
    await settle();
    expect(h.sent).toEqual([[1, 2, 3]]);
  });

  it('drops (and reports) what does not fit while the sink is failing', async () => {
    const h = harness({ batchSize: 3, flushIntervalMs: 200, maxBuffered: 5 });
    h.failNext(100);
    for (let n = 0; n < 8; n++) h.batcher.add(n);
    await settle();
    expect(h.batcher.pending).toBe(5);
    expect(h.dropped()).toBe(3);
  });

  it('drain sends everything at once, batch after batch', async () => {
    jest.useRealTimers();
    const h = harness({ batchSize: 2, flushIntervalMs: 60_000, maxBuffered: 100 });
    [1, 2, 3, 4, 5].forEach((n) => h.batcher.add(n));
    await h.batcher.drain(1_000);
    expect(h.sent.flat()).toEqual([1, 2, 3, 4, 5]);
    expect(h.batcher.pending).toBe(0);
  });

  it('drain retries a failing sink until its deadline', async () => {
    jest.useRealTimers();
    const h = harness({ batchSize: 10, flushIntervalMs: 10, maxBuffered: 100 });
    h.failNext(2);
    h.batcher.add(1);
    await h.batcher.drain(1_000);
    expect(h.sent).toEqual([[1]]);
  });

  it('drain gives up at its deadline', async () => {
    jest.useRealTimers();
    const h = harness({ batchSize: 10, flushIntervalMs: 10, maxBuffered: 100 });
    h.failNext(1_000);
    h.batcher.add(1);
    const started = Date.now();
    await h.batcher.drain(100);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(h.batcher.pending).toBe(1);
  });
});
