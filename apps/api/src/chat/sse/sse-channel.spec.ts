import type { FastifyReply } from 'fastify';
import { EventEmitter } from 'node:events';
import { SseChannel } from './sse-channel';

/** The parts of ServerResponse and FastifyReply the channel uses. */
class FakeRaw extends EventEmitter {
  readonly written: string[] = [];
  status: number | undefined;
  headers: Record<string, unknown> | undefined;
  destroyed = false;
  writableEnded = false;
  full = false;

  writeHead(status: number, headers: Record<string, unknown>): void {
    this.status = status;
    this.headers = headers;
  }
  write(frame: string): boolean {
    this.written.push(frame);
    return !this.full;
  }
  end(): void {
    this.writableEnded = true;
  }
}

function fakeReply(raw: FakeRaw): FastifyReply & { hijacked: boolean } {
  const reply = {
    raw,
    hijacked: false,
    hijack() {
      reply.hijacked = true;
    },
    getHeaders: () => ({ 'x-request-id': 'req-9', 'x-absent': undefined }),
  };
  return reply as unknown as FastifyReply & { hijacked: boolean };
}

describe('SseChannel', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('opens with the SSE headers, the ones Fastify hooks set, and the routing headers', () => {
    const raw = new FakeRaw();
    const reply = fakeReply(raw);
    const channel = new SseChannel(reply, 1_000);
    channel.open({ 'x-gateway-cache': 'miss' });
    expect(reply.hijacked).toBe(true);
    expect(raw.status).toBe(200);
    expect(raw.headers).toEqual({
      'x-request-id': 'req-9',
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-gateway-cache': 'miss',
    });
  });

  it('sends a keep-alive after each silence, opening the stream if nothing else did', () => {
    const raw = new FakeRaw();
    const channel = new SseChannel(fakeReply(raw), 1_000);
    channel.watchSilence();
    jest.advanceTimersByTime(999);
    expect(raw.written).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(channel.isOpen).toBe(true);
    expect(raw.written).toEqual([': keep-alive\n\n']);
    void channel.write('data: 1\n\n');
    jest.advanceTimersByTime(999);
    expect(raw.written).toHaveLength(2);
    jest.advanceTimersByTime(1);
    expect(raw.written).toEqual([': keep-alive\n\n', 'data: 1\n\n', ': keep-alive\n\n']);
    channel.end();
    jest.advanceTimersByTime(5_000);
    expect(raw.written).toHaveLength(3);
    expect(raw.writableEnded).toBe(true);
  });

  it('leaves an unopened response alone on end, so the error filter can still answer', () => {
    const raw = new FakeRaw();
    const channel = new SseChannel(fakeReply(raw), 1_000);
    channel.watchSilence();
    channel.end();
    jest.advanceTimersByTime(5_000);
    expect(raw.writableEnded).toBe(false);
    expect(raw.written).toEqual([]);
  });

  it('waits for drain when the socket buffer is full, or for close', async () => {
    const raw = new FakeRaw();
    const channel = new SseChannel(fakeReply(raw), 0);
    channel.open({});
    expect(channel.write('a')).toBeUndefined();
    raw.full = true;
    const drained = channel.write('b');
    expect(drained).toBeInstanceOf(Promise);
    raw.emit('drain');
    await drained;
    const closed = channel.write('c');
    raw.destroyed = true;
    raw.emit('close');
    await closed;
    expect(channel.closed).toBe(true);
    expect(channel.write('d')).toBeUndefined();
    expect(raw.written).toEqual(['a', 'b', 'c']);
  });
});
