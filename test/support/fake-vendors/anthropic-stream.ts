import type { ServerResponse } from 'node:http';
import type { PlannedReply } from './helpers';
import { stopReason, type MessageIdentity, usageBody } from './anthropic-wire';
import {
  destroyAfterFlush,
  splitIntoFragments,
  splitIntoWords,
  waitWhileConnected,
  writeChunk,
} from './wire';

export interface MessageStreamPlan {
  identity: MessageIdentity;
  reply: PlannedReply;
  /** Cut the connection after this many content events instead of finishing. */
  dieAfterChunks?: number;
  /** Pause before each content event. */
  chunkDelayMs?: number;
}

interface StreamEvent {
  name: string;
  data: Record<string, unknown>;
  /** text deltas, tool_use starts and input_json deltas: what a client turns into chunks */
  content: boolean;
}

function event(name: string, data: Record<string, unknown>, content = false): StreamEvent {
  return { name, data: { type: name, ...data }, content };
}

function frame({ name, data }: StreamEvent): string {
  return `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;
}

function contentEvents(reply: PlannedReply): StreamEvent[] {
  const events: StreamEvent[] = [];
  let index = 0;
  if (reply.text) {
    events.push(
      event('content_block_start', { index, content_block: { type: 'text', text: '', citations: null } }),
    );
    for (const word of splitIntoWords(reply.text)) {
      events.push(event('content_block_delta', { index, delta: { type: 'text_delta', text: word } }, true));
    }
    events.push(event('content_block_stop', { index }));
    index++;
  }
  for (const call of reply.toolCalls) {
    events.push(
      event(
        'content_block_start',
        { index, content_block: { type: 'tool_use', id: call.id, name: call.name, input: {} } },
        true,
      ),
    );
    events.push(
      event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: '' } }),
    );
    for (const fragment of splitIntoFragments(call.arguments)) {
      events.push(
        event(
          'content_block_delta',
          { index, delta: { type: 'input_json_delta', partial_json: fragment } },
          true,
        ),
      );
    }
    events.push(event('content_block_stop', { index }));
    index++;
  }
  return events;
}

function messageStart(plan: MessageStreamPlan): StreamEvent {
  return event('message_start', {
    message: {
      ...plan.identity,
      type: 'message',
      role: 'assistant',
      content: [],
      container: null,
      diagnostics: null,
      stop_details: null,
      stop_reason: null,
      stop_sequence: null,
      usage: usageBody(plan.reply.usage.input, 1),
    },
  });
}

function headers(plan: MessageStreamPlan): Record<string, string> {
  return {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'request-id': `req_${plan.identity.id}`,
  };
}

export async function writeMessageStream(res: ServerResponse, plan: MessageStreamPlan): Promise<void> {
  res.writeHead(200, headers(plan));
  await writeChunk(res, frame(messageStart(plan)));
  await writeChunk(res, frame(event('ping', {})));

  let contentSent = 0;
  for (const next of contentEvents(plan.reply)) {
    if (next.content && plan.dieAfterChunks !== undefined && contentSent === plan.dieAfterChunks) {
      return destroyAfterFlush(res);
    }
    if (next.content && plan.chunkDelayMs && !(await waitWhileConnected(res, plan.chunkDelayMs))) return;
    await writeChunk(res, frame(next));
    if (next.content) contentSent++;
  }
  if (plan.dieAfterChunks !== undefined) return destroyAfterFlush(res);

  const delta = {
    stop_reason: stopReason(plan.reply),
    stop_sequence: null,
    stop_details: null,
    container: null,
  };
  const usage = { ...usageBody(plan.reply.usage.input, plan.reply.usage.output) };
  await writeChunk(res, frame(event('message_delta', { delta, usage })));
  res.end(frame(event('message_stop', {})));
}

/** A stream the SDK cannot parse: a well-formed start, then an event whose data is not JSON. */
export async function writeMalformedMessageStream(
  res: ServerResponse,
  plan: MessageStreamPlan,
): Promise<void> {
  res.writeHead(200, headers(plan));
  await writeChunk(res, frame(messageStart(plan)));
  await writeChunk(
    res,
    'event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{\n\n',
  );
  res.end();
}
