import type { ErrorBody } from '@app/common';
import type { TaskStreamEvent } from '@app/tasks';
import type { FastifyReply } from 'fastify';
import type { OutgoingHttpHeaders } from 'node:http';

const SSE_HEADERS: OutgoingHttpHeaders = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  connection: 'keep-alive',
  // nginx: pass each event on at once instead of buffering the response
  'x-accel-buffering': 'no',
};

/**
 * Writes a task's events as SSE on the hijacked reply (`event: task|progress|done`, JSON data), with a
 * `: keep-alive` comment every `heartbeatMs` (0 = never) so proxies keep a quiet stream open. Resolves
 * when the events end or the client goes away. When the events stop before `done` because the server
 * cut them short, `interruption` gives the error body sent as a last `event: error`.
 */
export async function streamTaskEvents(
  reply: FastifyReply,
  events: AsyncIterable<TaskStreamEvent>,
  heartbeatMs: number,
  interruption: () => ErrorBody | undefined = () => undefined,
): Promise<void> {
  const raw = reply.raw;
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value !== undefined) headers[name] = value;
  }
  reply.hijack();
  raw.writeHead(200, { ...headers, ...SSE_HEADERS });
  const send = (frame: string): void => {
    if (!raw.destroyed && !raw.writableEnded) raw.write(frame);
  };
  const heartbeat = heartbeatMs > 0 ? setInterval(() => send(': keep-alive\n\n'), heartbeatMs) : undefined;
  try {
    for await (const { event, data } of events) {
      if (raw.destroyed) break;
      send(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    const error = interruption();
    if (error) send(`event: error\ndata: ${JSON.stringify(error)}\n\n`);
  } finally {
    clearInterval(heartbeat);
    if (!raw.destroyed && !raw.writableEnded) raw.end();
  }
}
