import type { ServerResponse } from 'node:http';
import { writeMalformedMessageStream, writeMessageStream, type MessageStreamPlan } from './anthropic-stream';
import { errorBody, messageBody, type MessageIdentity } from './anthropic-wire';
import { fakeId, planReply, summariseConversation } from './helpers';
import type { FakeExchange, StatusBehaviour, VendorHandler } from './types';
import { destroyAfterFlush, sendJson, writeChunk } from './wire';

/** Anthropic messages API (anthropic-version 2026-10-21): JSON and server-sent events. */

interface MessagesCall {
  model: string;
  messages: unknown[];
  system: unknown;
  stream: boolean;
}

interface WireMessage {
  role?: unknown;
  content?: unknown;
}

const SAMPLING_PARAMETERS = ['temperature', 'top_p', 'top_k'];

function sendError(res: ServerResponse, behaviour: StatusBehaviour): void {
  const headers: Record<string, string> = behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {};
  sendJson(res, behaviour.status, errorBody(behaviour), {
    'request-id': `req_fake_${behaviour.status}`,
    ...headers,
  });
}

function blocksOf(message: WireMessage, type: string): Array<Record<string, unknown>> {
  if (!Array.isArray(message.content)) return [];
  return (message.content as unknown[]).filter(
    (block): block is Record<string, unknown> =>
      block !== null && typeof block === 'object' && (block as { type?: unknown }).type === type,
  );
}

/** The real API's rule: every tool_result answers a tool_use of the message right before it. */
function unansweredToolResult(messages: WireMessage[]): string | undefined {
  for (const [position, message] of messages.entries()) {
    const previous = position > 0 ? messages[position - 1] : undefined;
    const offered = new Set(previous ? blocksOf(previous, 'tool_use').map((block) => block.id) : []);
    for (const result of blocksOf(message, 'tool_result')) {
      if (!offered.has(result.tool_use_id)) return String(result.tool_use_id);
    }
  }
  return undefined;
}

/** Checks what the real API rejects with 400; returns the message when the request is invalid. */
function readMessagesCall(body: unknown): MessagesCall | string {
  if (body === null || typeof body !== 'object') {
    return 'There was an issue with your request body: invalid JSON';
  }
  const fields = body as Record<string, unknown>;
  if (typeof fields.model !== 'string') return 'model: Field required';
  if (typeof fields.max_tokens !== 'number' || fields.max_tokens < 1) return 'max_tokens: Field required';
  const sampling = SAMPLING_PARAMETERS.find((name) => name in fields);
  if (sampling) return `${sampling}: Extra inputs are not permitted`;
  if (!Array.isArray(fields.messages) || fields.messages.length === 0) {
    return 'messages: at least one message is required';
  }
  const messages = fields.messages as WireMessage[];
  const badRole = messages.find((m) => m.role !== 'user' && m.role !== 'assistant' && m.role !== 'system');
  if (badRole) {
    return `messages: Input tag '${String(badRole.role)}' found using 'role' does not match any of the expected tags`;
  }
  const orphan = unansweredToolResult(messages);
  if (orphan) {
    return `messages: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${orphan}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`;
  }
  return { model: fields.model, messages, system: fields.system, stream: fields.stream === true };
}

async function answerMessage(exchange: FakeExchange): Promise<void> {
  const { res, behaviour } = exchange;
  const call = readMessagesCall(exchange.body);
  if (typeof call === 'string') return sendError(res, { kind: 'status', status: 400, message: call });

  const conversation = summariseConversation(call.messages, call.system);
  const reply = planReply(behaviour.kind === 'ok' ? behaviour : { kind: 'ok' }, conversation, 'toolu_');
  const identity: MessageIdentity = { id: fakeId('msg_'), model: call.model };
  const dieAfterChunks = behaviour.kind === 'stream-die' ? behaviour.afterChunks : undefined;
  const chunkDelayMs = behaviour.kind === 'ok' ? behaviour.chunkDelayMs : undefined;
  const plan: MessageStreamPlan = { identity, reply, dieAfterChunks, chunkDelayMs };

  if (behaviour.kind === 'malformed') {
    return call.stream ? writeMalformedMessageStream(res, plan) : sendMalformedJson(res);
  }
  if (call.stream) return writeMessageStream(res, plan);

  const payload = JSON.stringify(messageBody(identity, reply));
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'request-id': `req_${identity.id}`,
  });
  if (dieAfterChunks === undefined) return void res.end(payload);
  await writeChunk(res, payload.slice(0, Math.floor(payload.length / 2)));
  return destroyAfterFlush(res);
}

function sendMalformedJson(res: ServerResponse): void {
  const payload = '{"id":"msg_broken","type":"message","content":[';
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

export const anthropicMessagesHandler: VendorHandler = async (exchange) => {
  if (exchange.behaviour.kind === 'status') return sendError(exchange.res, exchange.behaviour);
  return answerMessage(exchange);
};
