import type { PGlite } from '@electric-sql/pglite';
import { PgliteSessionScheduler } from './pglite-session-scheduler';

const message = (type: string, body = ''): Uint8Array => Buffer.from(`${type}${body}`);
const startup = (): Uint8Array => {
  const bytes = Buffer.alloc(8);
  bytes.writeInt32BE(8, 0);
  bytes.writeInt32BE(196_608, 4);
  return bytes;
};

/** A stand-in for PGlite's session: records what runs, in order; BEGIN/COMMIT/ROLLBACK move its state. */
class FakeSession {
  readonly runs: string[] = [];
  inTransaction = false;
  private chain: Promise<unknown> = Promise.resolve();

  asPglite(): PGlite {
    return this as unknown as PGlite;
  }

  runExclusive<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.chain.then(fn);
    this.chain = result.catch(() => undefined);
    return result;
  }

  async execProtocolRawStream(
    input: Uint8Array,
    { onRawData }: { onRawData: (data: Uint8Array) => void },
  ): Promise<void> {
    const text = Buffer.from(input).toString('latin1');
    await new Promise((resolve) => setImmediate(resolve));
    this.runs.push(text);
    if (text.includes('BEGIN')) this.inTransaction = true;
    if (text.includes('COMMIT') || text.includes('ROLLBACK')) this.inTransaction = false;
    if (text.includes('FAIL')) throw new Error('session failed');
    onRawData(Buffer.from(`ok:${text}`));
  }

  isInTransaction(): boolean {
    return this.inTransaction;
  }

  async exec(sql: string): Promise<void> {
    this.runs.push(sql);
    if (sql === 'ROLLBACK') this.inTransaction = false;
  }
}

describe('PgliteSessionScheduler', () => {
  let session: FakeSession;
  let scheduler: PgliteSessionScheduler;
  const noData = (): void => undefined;

  beforeEach(() => {
    session = new FakeSession();
    scheduler = new PgliteSessionScheduler(session.asPglite());
  });

  it("runs a connection's Parse/Bind/Describe/Execute as one unit at its Sync, never interleaved", async () => {
    const a = [message('P', 'a'), message('B', 'a'), message('D', 'a'), message('E', 'a'), message('S')];
    const b = [message('P', 'b'), message('B', 'b'), message('E', 'b'), message('S')];
    const sent: Promise<number>[] = [];
    // The two connections' messages arrive alternately, as under load.
    for (let i = 0; i < 5; i++) {
      if (a[i]) sent.push(scheduler.enqueue(1, a[i], noData));
      if (b[i]) sent.push(scheduler.enqueue(2, b[i], noData));
    }
    await Promise.all(sent);
    // b's Sync arrived first, so b's unit ran first; neither was split.
    expect(session.runs).toEqual(['PbBbEbS', 'PaBaDaEaS']);
  });

  it('answers the batch with the session output, through the last message callback', async () => {
    const received: string[] = [];
    await scheduler.enqueue(1, message('P', 'x'), noData);
    const bytes = await scheduler.enqueue(1, message('S'), (data) =>
      received.push(Buffer.from(data).toString()),
    );
    expect(received).toEqual(['ok:PxS']);
    expect(bytes).toBe('ok:PxS'.length);
  });

  it('runs a simple query and a startup message at once', async () => {
    await scheduler.enqueue(1, startup(), noData);
    await scheduler.enqueue(1, message('Q', 'select 1'), noData);
    expect(session.runs).toHaveLength(2);
    expect(session.runs[1]).toBe('Qselect 1');
  });

  it('keeps the session for a connection inside a transaction; the others run after its COMMIT', async () => {
    await scheduler.enqueue(1, message('Q', 'BEGIN'), noData);
    const other = scheduler.enqueue(2, message('Q', 'other'), noData);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(session.runs).toEqual(['QBEGIN']);
    await scheduler.enqueue(1, message('Q', 'insert'), noData);
    await scheduler.enqueue(1, message('Q', 'COMMIT'), noData);
    await other;
    expect(session.runs).toEqual(['QBEGIN', 'Qinsert', 'QCOMMIT', 'Qother']);
  });

  it('keeps the session for a connection that flushed without a Sync', async () => {
    await scheduler.enqueue(1, message('P', 'cursor'), noData);
    await scheduler.enqueue(1, message('H'), noData);
    const other = scheduler.enqueue(2, message('Q', 'other'), noData);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(session.runs).toEqual(['PcursorH']);
    await scheduler.enqueue(1, message('S'), noData);
    await other;
    expect(session.runs).toEqual(['PcursorH', 'S', 'Qother']);
  });

  it('rolls back the transaction of a connection that went away and lets the others in', async () => {
    await scheduler.enqueue(1, message('Q', 'BEGIN'), noData);
    const other = scheduler.enqueue(2, message('Q', 'other'), noData);
    scheduler.clearQueueForHandler(1);
    await scheduler.clearTransactionIfNeeded(1);
    await other;
    expect(session.runs).toEqual(['QBEGIN', 'ROLLBACK', 'Qother']);
  });

  it('drops what a closed connection left waiting, rejecting its promises', async () => {
    await scheduler.enqueue(1, message('Q', 'BEGIN'), noData);
    const waiting = scheduler.enqueue(2, message('Q', 'orphan'), noData);
    scheduler.clearQueueForHandler(2);
    await expect(waiting).rejects.toThrow('connection closed');
  });

  it('rejects a failed batch and goes on with the next', async () => {
    const failed = scheduler.enqueue(1, message('Q', 'FAIL'), noData);
    const next = scheduler.enqueue(2, message('Q', 'next'), noData);
    await expect(failed).rejects.toThrow('session failed');
    await expect(next).resolves.toBeGreaterThan(0);
  });
});
