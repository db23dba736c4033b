import { PgliteNotifications } from './pglite-notifications';

const query = (sql: string): Uint8Array => frame('Q', Buffer.from(`${sql}\0`));
const parse = (sql: string): Uint8Array => frame('P', Buffer.from(`\0${sql}\0\0\0`));
const notification = (channel: string, payload: string): Buffer => {
  const pid = Buffer.alloc(4);
  pid.writeInt32BE(42);
  return frame('A', Buffer.concat([pid, Buffer.from(`${channel}\0${payload}\0`)]));
};
const readyForQuery = (): Buffer => frame('Z', Buffer.from('I'));

function frame(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeInt32BE(body.length + 4);
  return Buffer.concat([Buffer.from(type), length, body]);
}

describe('PgliteNotifications', () => {
  let notifications: PgliteNotifications;
  const received = new Map<number, Buffer[]>();
  const writer = (connection: number) => (data: Uint8Array) =>
    received.set(connection, [...(received.get(connection) ?? []), Buffer.from(data)]);

  beforeEach(() => {
    notifications = new PgliteNotifications();
    received.clear();
  });

  it('copies a notification in one connection’s output to the connections listening on its channel', () => {
    notifications.observe(1, query('-- wait for jobs\nLISTEN bullmq_jobs;\n'), writer(1));
    notifications.observe(2, query('LISTEN other'), writer(2));
    notifications.observe(3, query('select add_job($1)'), writer(3));
    const message = notification('bullmq_jobs', 'tasks');
    notifications.outputScanner(3)(Buffer.concat([message, readyForQuery()]));
    expect(received.get(1)).toEqual([message]);
    expect(received.has(2)).toBe(false);
    expect(received.has(3)).toBe(false);
  });

  it('finds notifications split across output chunks', () => {
    notifications.observe(1, parse('LISTEN "MixedCase"'), writer(1));
    const output = Buffer.concat([readyForQuery(), notification('MixedCase', 'p'), readyForQuery()]);
    const scan = notifications.outputScanner(2);
    for (let i = 0; i < output.length; i += 3) scan(output.subarray(i, i + 3));
    expect(received.get(1)).toEqual([notification('MixedCase', 'p')]);
  });

  it('stops after UNLISTEN, UNLISTEN * and when the connection is forgotten', () => {
    notifications.observe(1, query('LISTEN a; LISTEN b'), writer(1));
    notifications.observe(2, query('LISTEN a'), writer(2));
    notifications.observe(1, query('UNLISTEN a'), writer(1));
    notifications.outputScanner(3)(Buffer.concat([notification('a', ''), notification('b', '')]));
    expect(received.get(1)).toEqual([notification('b', '')]);
    expect(received.get(2)).toEqual([notification('a', '')]);

    received.clear();
    notifications.observe(1, query('UNLISTEN *'), writer(1));
    notifications.forget(2);
    notifications.outputScanner(3)(Buffer.concat([notification('a', ''), notification('b', '')]));
    expect(received.size).toBe(0);
  });

  it('does not echo a notification back to the connection whose output carried it', () => {
    notifications.observe(1, query('LISTEN a'), writer(1));
    notifications.outputScanner(1)(notification('a', 'x'));
    expect(received.size).toBe(0);
  });
});
