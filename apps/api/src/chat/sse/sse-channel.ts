import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';
import { HEARTBEAT_FRAME } from './sse-frames';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx: pass each event on at once instead of buffering the response
  'x-accel-buffering': 'no',
};

/**
 * One server-sent-events response on the raw Node response (the Fastify reply is hijacked). The status
 * line and headers go out with the first frame, so errors found before it can still be plain HTTP errors.
 * After `heartbeatMs` without a frame a `: keep-alive` comment goes out; if that happens before `open()`,
 * it opens the stream itself (a slow first token must not let a proxy cut the connection).
 */
export class SseChannel {
  private opened = false;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly reply: FastifyReply,
    private readonly heartbeatMs: number,
  ) {}

  get isOpen(): boolean {
    return this.opened;
  }

  /** The client went away or the stream has ended. */
  get closed(): boolean {
    const raw = this.reply.raw;
    return raw.destroyed || raw.writableEnded;
  }

  watchSilence(): void {
    if (this.heartbeatMs > 0 && !this.heartbeat)
      this.heartbeat = setTimeout(this.onSilence, this.heartbeatMs);
  }

  /** Sends the status and headers (with those Fastify hooks already set, like x-request-id) with the next frame. */
  open(headers: Record<string, string>): void {
    if (this.opened) return;
    this.opened = true;
    const all: OutgoingHttpHeaders = {};
    for (const [name, value] of Object.entries(this.reply.getHeaders()))
      if (value !== undefined) all[name] = value;
    this.reply.hijack();
    this.reply.raw.writeHead(200, Object.assign(all, SSE_HEADERS, headers));
  }

  /** Writes at once; resolves immediately unless the socket buffer is full (then once it drains or closes). */
  write(frame: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    this.heartbeat?.refresh();
    const raw = this.reply.raw;
    if (raw.write(frame)) return undefined;
    return new Promise((resolve) => {
      const done = (): void => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.once('drain', done);
      raw.once('close', done);
    });
  }

  /** Stops the heartbeat; ends the response if it was opened and is still writable. */
  end(): void {
    this.stopHeartbeat();
    if (this.opened && !this.closed) this.reply.raw.end();
  }

  stopHeartbeat(): void {
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
  }

  private readonly onSilence = (): void => {
    if (this.closed) return;
    this.open({});
    this.reply.raw.write(HEARTBEAT_FRAME);
    this.heartbeat?.refresh();
  };
}
