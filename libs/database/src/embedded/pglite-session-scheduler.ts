import type { PGlite } from '@electric-sql/pglite';
import { PgliteNotifications } from './pglite-notifications';

/** Extended-protocol messages that only make sense together with what follows, up to a Sync. */
const BATCH_CONTINUES = new Set(['P', 'B', 'D', 'E', 'C'].map((type) => type.charCodeAt(0)));
const FLUSH = 'H'.charCodeAt(0);
const PROTOCOL_3 = 196_608;

interface Batch {
  connection: number;
  messages: Uint8Array[];
  onData: (data: Uint8Array) => void;
  resolve: (bytes: number) => void;
  reject: (error: unknown) => void;
}

/**
 * Feeds every client connection's protocol messages into PGlite's single session.
 *
 * pglite-socket's own queue interleaves connections message by message, so another connection's Parse can
 * land between one connection's Parse and Bind; the unnamed statement is session-wide, and the Bind then
 * fails ("bind message supplies 1 parameters, but prepared statement requires 5") under concurrent load.
 * Here a connection's messages run as one unit up to a sync point (Sync, a simple Query, Flush, anything
 * outside the extended protocol), and while a connection has a transaction open (or flushed without a
 * Sync) the session is its own until that ends. Notifications reach the connections that listen for them
 * (PgliteNotifications). Shaped like pglite-socket's queue, which its
 * PGLiteSocketHandler drives: enqueue / clearQueueForHandler / clearTransactionIfNeeded.
 */
export class PgliteSessionScheduler {
  private readonly partial = new Map<number, Uint8Array[]>();
  private readonly ready: Batch[] = [];
  /** The connection that holds the session (open transaction, or flushed extended query). */
  private owner: number | undefined;
  private draining = false;
  private readonly notifications = new PgliteNotifications();

  constructor(private readonly db: PGlite) {}

  /** Resolves at once for a message that continues a batch, else once the whole batch has run. */
  enqueue(connection: number, message: Uint8Array, onData: (data: Uint8Array) => void): Promise<number> {
    this.notifications.observe(connection, message, onData);
    const messages = this.partial.get(connection) ?? [];
    messages.push(message);
    if (continuesBatch(message)) {
      this.partial.set(connection, messages);
      return Promise.resolve(0);
    }
    this.partial.delete(connection);
    return new Promise((resolve, reject) => {
      this.ready.push({ connection, messages, onData, resolve, reject });
      void this.drain();
    });
  }

  /** A connection went away: its unsent and waiting messages are dropped. */
  clearQueueForHandler(connection: number): void {
    this.partial.delete(connection);
    this.notifications.forget(connection);
    for (let i = this.ready.length - 1; i >= 0; i--) {
      if (this.ready[i].connection !== connection) continue;
      const [dropped] = this.ready.splice(i, 1);
      dropped.reject(new Error('connection closed'));
    }
  }

  /** A connection that went away inside a transaction: roll it back and let the others in. */
  async clearTransactionIfNeeded(connection: number): Promise<void> {
    if (this.owner !== connection) return;
    if (this.db.isInTransaction()) await this.db.exec('ROLLBACK');
    this.owner = undefined;
    await this.drain();
  }

  private async drain(): Promise<void> {
    if (this.draining) return;
    this.draining = true;
    try {
      for (let batch = this.next(); batch; batch = this.next()) await this.run(batch);
    } finally {
      this.draining = false;
    }
  }

  /** The oldest waiting batch, or the owner's while one connection holds the session. */
  private next(): Batch | undefined {
    const index = this.owner === undefined ? 0 : this.ready.findIndex((b) => b.connection === this.owner);
    return index < 0 ? undefined : this.ready.splice(index, 1)[0];
  }

  private async run(batch: Batch): Promise<void> {
    let bytes = 0;
    const scan = this.notifications.outputScanner(batch.connection);
    const onRawData = (data: Uint8Array): void => {
      bytes += data.length;
      batch.onData(data);
      scan(data);
    };
    try {
      await this.db.runExclusive(() => this.db.execProtocolRawStream(concat(batch.messages), { onRawData }));
      batch.resolve(bytes);
    } catch (error) {
      batch.reject(error);
    } finally {
      const flushed = batch.messages[batch.messages.length - 1][0] === FLUSH;
      this.owner = flushed || this.db.isInTransaction() ? batch.connection : undefined;
    }
  }
}

function continuesBatch(message: Uint8Array): boolean {
  const isStartup =
    message.length >= 8 && new DataView(message.buffer, message.byteOffset).getInt32(4) === PROTOCOL_3;
  return !isStartup && BATCH_CONTINUES.has(message[0]);
}

function concat(messages: Uint8Array[]): Uint8Array {
  if (messages.length === 1) return messages[0];
  return Buffer.concat(messages);
}
