const QUERY = 'Q'.charCodeAt(0);
const PARSE = 'P'.charCodeAt(0);
const NOTIFICATION = 'A'.charCodeAt(0);
const LISTEN_STATEMENT = /\b(UN)?LISTEN\s+(\*|"[^"]+"|[A-Za-z_][\w$]*)/gi;

type Writer = (data: Uint8Array) => void;

/**
 * LISTEN/NOTIFY across the connections that share PGlite's one session. PostgreSQL sends a notification to
 * the session, and the session's output belongs to whichever connection's statement is running (usually
 * the one whose commit fired it), so a connection waiting in LISTEN would never hear it. This remembers
 * which connection listens on which channel and copies each notification to them.
 */
export class PgliteNotifications {
  private readonly channels = new Map<number, Set<string>>();
  private readonly writers = new Map<number, Writer>();

  /** Looks at a client message for LISTEN / UNLISTEN and remembers where the connection's output goes. */
  observe(connection: number, message: Uint8Array, writer: Writer): void {
    this.writers.set(connection, writer);
    const sql = statementText(message);
    if (!sql || !/listen/i.test(sql)) return;
    for (const [, un, rawChannel] of sql.matchAll(LISTEN_STATEMENT)) {
      const channel = rawChannel.startsWith('"') ? rawChannel.slice(1, -1) : rawChannel.toLowerCase();
      const listening = this.channels.get(connection) ?? new Set<string>();
      if (!un) listening.add(channel);
      else if (channel === '*') listening.clear();
      else listening.delete(channel);
      this.channels.set(connection, listening);
    }
  }

  forget(connection: number): void {
    this.channels.delete(connection);
    this.writers.delete(connection);
  }

  /** A scanner for one batch's output: notifications in it also go to the other listening connections. */
  outputScanner(from: number): (data: Uint8Array) => void {
    if (this.channels.size === 0) return () => undefined;
    let pending = Buffer.alloc(0);
    return (data) => {
      pending = pending.length ? Buffer.concat([pending, data]) : Buffer.from(data);
      let offset = 0;
      while (pending.length - offset >= 5) {
        const length = pending.readInt32BE(offset + 1);
        if (pending.length - offset < 1 + length) break;
        if (pending[offset] === NOTIFICATION)
          this.deliver(from, pending.subarray(offset, offset + 1 + length));
        offset += 1 + length;
      }
      pending = pending.subarray(offset);
    };
  }

  private deliver(from: number, message: Buffer): void {
    // NotificationResponse: type, length, sender pid, channel\0, payload\0
    const channel = message.toString('utf8', 9, message.indexOf(0, 9));
    for (const [connection, listening] of this.channels) {
      if (connection === from || !listening.has(channel)) continue;
      this.writers.get(connection)?.(Uint8Array.from(message));
    }
  }
}

/** The SQL of a simple Query or of a Parse (after its statement name), else undefined. */
function statementText(message: Uint8Array): string | undefined {
  const bytes = Buffer.from(message.buffer, message.byteOffset, message.byteLength);
  if (bytes[0] === QUERY) return bytes.toString('utf8', 5, bytes.indexOf(0, 5));
  if (bytes[0] === PARSE) {
    const start = bytes.indexOf(0, 5) + 1;
    return bytes.toString('utf8', start, bytes.indexOf(0, start));
  }
  return undefined;
}
