import type { ServerResponse } from 'node:http';
import { writeConverseStream, writeMalformedConverseStream } from './bedrock-stream';
import { converseBody, errorBody, errorHeaders } from './bedrock-wire';
import { fakeId, planReply, summariseConversation } from './helpers';
import type { FakeExchange, StatusBehaviour, VendorHandler } from './types';
import { destroyAfterFlush, sendJson, writeChunk } from './wire';

/** Bedrock Converse and ConverseStream, as the AWS SDK's rest-json protocol sees them. */

interface ConverseCall {
  messages: unknown[];
  system: unknown;
}

interface WireMessage {
  role?: unknown;
  content?: unknown;
}

const FAKE_LATENCY_MS = 42;
const MUST_START_WITH_USER =
  'A conversation must start with a user message. Try again with a conversation that starts with a user message.';

function sendError(res: ServerResponse, behaviour: StatusBehaviour): void {
  sendJson(res, behaviour.status, errorBody(behaviour), errorHeaders(behaviour, fakeId('req-')));
}

function blocksOf(message: WireMessage): Array<Record<string, unknown>> {
  return Array.isArray(message.content) ? (message.content as Array<Record<string, unknown>>) : [];
}

/** Checks what the real service rejects with a ValidationException; returns its message. */
function readConverseCall(body: unknown): ConverseCall | string {
  if (body === null || typeof body !== 'object') {
    return 'Malformed input request, please reformat your input and try again.';
  }
  const fields = body as Record<string, unknown>;
  const messages = Array.isArray(fields.messages) ? (fields.messages as WireMessage[]) : [];
  if (messages[0]?.role !== 'user') return MUST_START_WITH_USER;
  for (const [position, message] of messages.entries()) {
    if (position > 0 && message.role === messages[position - 1].role) {
      return 'A conversation must alternate between user and assistant roles. Make sure the conversation alternates between user and assistant roles and try again.';
    }
    for (const [index, block] of blocksOf(message).entries()) {
      if (typeof block.text === 'string' && block.text.trim() === '') {
        return `The text field in the ContentBlock object at messages.${position}.content.${index} is blank. Add text to the text field, and try again.`;
      }
    }
  }
  const usesTools = messages.some((m) => blocksOf(m).some((block) => block.toolUse || block.toolResult));
  if (usesTools && fields.toolConfig === undefined) {
    return 'The toolConfig field must be defined when using toolUse and toolResult content blocks.';
  }
  return { messages, system: fields.system };
}

async function answerConverse(exchange: FakeExchange, streaming: boolean): Promise<void> {
  const { res, behaviour } = exchange;
  if (behaviour.kind === 'status') return sendError(res, behaviour);
  const call = readConverseCall(exchange.body);
  if (typeof call === 'string') return sendError(res, { kind: 'status', status: 400, message: call });

  const requestId = fakeId('req-');
  const reply = planReply(
    behaviour.kind === 'ok' ? behaviour : { kind: 'ok' },
    summariseConversation(call.messages, call.system),
    'tooluse_',
  );
  const dieAfterChunks = behaviour.kind === 'stream-die' ? behaviour.afterChunks : undefined;

  if (streaming) {
    if (behaviour.kind === 'malformed') return writeMalformedConverseStream(res, requestId);
    const chunkDelayMs = behaviour.kind === 'ok' ? behaviour.chunkDelayMs : undefined;
    return writeConverseStream(res, {
      requestId,
      reply,
      latencyMs: FAKE_LATENCY_MS,
      dieAfterChunks,
      chunkDelayMs,
    });
  }
  const payload =
    behaviour.kind === 'malformed'
      ? '{"output":{"message":{"role":"assistant","content":['
      : JSON.stringify(converseBody(reply, FAKE_LATENCY_MS));
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-amzn-requestid': requestId,
  });
  if (dieAfterChunks === undefined) return void res.end(payload);
  await writeChunk(res, payload.slice(0, Math.floor(payload.length / 2)));
  return destroyAfterFlush(res);
}

/** POST /model/:modelId/converse */
export const bedrockConverseHandler: VendorHandler = (exchange) => answerConverse(exchange, false);

/** POST /model/:modelId/converse-stream */
export const bedrockConverseStreamHandler: VendorHandler = (exchange) => answerConverse(exchange, true);
