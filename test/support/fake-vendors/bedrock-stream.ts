import type { ServerResponse } from 'node:http';
import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { PlannedReply } from './helpers';
import { stopReason, usageBody } from './bedrock-wire';
import { destroyAfterFlush, splitIntoFragments, splitIntoWords, waitWhileConnected } from './wire';

/** ConverseStream: `application/vnd.amazon.eventstream` frames, one JSON event per frame. */

export interface ConverseStreamPlan {
  requestId: string;
  reply: PlannedReply;
  latencyMs: number;
  /** Cut the connection after this many content events instead of finishing. */
  dieAfterChunks?: number;
  /** Pause before each content event. */
  chunkDelayMs?: number;
}

export interface ConverseStreamEvent {
  type: string;
  payload: Record<string, unknown>;
  /** text deltas, toolUse starts and toolUse input deltas: what a client turns into chunks */
  content: boolean;
}

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function event(type: string, payload: Record<string, unknown>, content = false): ConverseStreamEvent {
  return { type, payload, content };
}

export function encodeEvent({ type, payload }: Pick<ConverseStreamEvent, 'type' | 'payload'>): Uint8Array {
  return codec.encode({
    headers: {
      ':event-type': { type: 'string', value: type },
      ':message-type': { type: 'string', value: 'event' },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify(payload)),
  });
}

/** A modelled exception sent inside the stream (e.g. `throttlingException`, `modelStreamErrorException`). */
export function encodeException(exceptionType: string, message: string): Uint8Array {
  return codec.encode({
    headers: {
      ':exception-type': { type: 'string', value: exceptionType },
      ':message-type': { type: 'string', value: 'exception' },
      ':content-type': { type: 'string', value: 'application/json' },
    },
    body: fromUtf8(JSON.stringify({ message })),
  });
}

export function streamEvents(plan: ConverseStreamPlan): ConverseStreamEvent[] {
  const { reply } = plan;
  const events = [event('messageStart', { role: 'assistant' })];
  let contentBlockIndex = 0;
  if (reply.text) {
    for (const word of splitIntoWords(reply.text)) {
      events.push(event('contentBlockDelta', { contentBlockIndex, delta: { text: word } }, true));
    }
    events.push(event('contentBlockStop', { contentBlockIndex }));
    contentBlockIndex++;
  }
  for (const call of reply.toolCalls) {
    const start = { toolUse: { toolUseId: call.id, name: call.name } };
    events.push(event('contentBlockStart', { contentBlockIndex, start }, true));
    for (const fragment of splitIntoFragments(call.arguments)) {
      events.push(
        event('contentBlockDelta', { contentBlockIndex, delta: { toolUse: { input: fragment } } }, true),
      );
    }
    events.push(event('contentBlockStop', { contentBlockIndex }));
    contentBlockIndex++;
  }
  events.push(event('messageStop', { stopReason: stopReason(reply) }));
  events.push(event('metadata', { usage: usageBody(reply), metrics: { latencyMs: plan.latencyMs } }));
  return events;
}

/** Frames are binary: written as bytes, never through a string. */
export function writeBytes(res: ServerResponse, bytes: Uint8Array): Promise<void> {
  return new Promise((resolve, reject) => res.write(bytes, (error) => (error ? reject(error) : resolve())));
}

export function writeStreamHead(res: ServerResponse, requestId: string): void {
  res.writeHead(200, { 'content-type': 'application/vnd.amazon.eventstream', 'x-amzn-requestid': requestId });
}

export async function writeConverseStream(res: ServerResponse, plan: ConverseStreamPlan): Promise<void> {
  writeStreamHead(res, plan.requestId);
  let contentSent = 0;
  for (const next of streamEvents(plan)) {
    if (next.content && plan.dieAfterChunks !== undefined && contentSent === plan.dieAfterChunks) {
      return destroyAfterFlush(res);
    }
    if (next.content && plan.chunkDelayMs && !(await waitWhileConnected(res, plan.chunkDelayMs))) return;
    await writeBytes(res, encodeEvent(next));
    if (next.content) contentSent++;
  }
  if (plan.dieAfterChunks !== undefined) return destroyAfterFlush(res);
  res.end();
}

/** A stream the SDK cannot decode: a good messageStart, then a frame whose message checksum is wrong. */
export async function writeMalformedConverseStream(res: ServerResponse, requestId: string): Promise<void> {
  writeStreamHead(res, requestId);
  await writeBytes(res, encodeEvent(event('messageStart', { role: 'assistant' })));
  const broken = encodeEvent(event('contentBlockDelta', { contentBlockIndex: 0, delta: { text: 'broken' } }));
  broken[broken.length - 1] ^= 0xff;
  await writeBytes(res, broken);
  res.end();
}
