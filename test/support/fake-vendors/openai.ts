import type { ServerResponse } from 'node:http';
import { fakeId, planReply, summariseConversation } from './helpers';
import { writeCompletionStream, writeMalformedStream } from './openai-stream';
import { completionBody, errorBody } from './openai-wire';
import type { FakeExchange, StatusBehaviour, VendorHandler } from './types';
import { destroyAfterFlush, sendJson, writeChunk } from './wire';

/** OpenAI chat completions; Azure OpenAI speaks the same format under its deployment path. */

interface ChatCall {
  model: string;
  messages: unknown[];
  stream: boolean;
  includeUsage: boolean;
}

function sendError(res: ServerResponse, behaviour: StatusBehaviour): void {
  const headers: Record<string, string> = behaviour.retryAfter ? { 'retry-after': behaviour.retryAfter } : {};
  sendJson(res, behaviour.status, errorBody(behaviour), headers);
}

/** Checks what the real API rejects with 400; returns the message when the request is invalid. */
function readChatCall(exchange: FakeExchange): ChatCall | string {
  const body = exchange.body;
  if (body === null || typeof body !== 'object') return 'We could not parse the JSON body of your request.';
  const fields = body as Record<string, unknown>;
  const model = typeof fields.model === 'string' ? fields.model : exchange.params.deployment;
  if (!model) return 'you must provide a model parameter';
  if (!Array.isArray(fields.messages) || fields.messages.length === 0) {
    return "Invalid 'messages': empty array. Expected an array with minimum length 1.";
  }
  const streamOptions = fields.stream_options as { include_usage?: unknown } | undefined;
  return {
    model,
    messages: fields.messages,
    stream: fields.stream === true,
    includeUsage: streamOptions?.include_usage === true,
  };
}

async function answerCompletion(exchange: FakeExchange): Promise<void> {
  const { res, behaviour } = exchange;
  const call = readChatCall(exchange);
  if (typeof call === 'string') return sendError(res, { kind: 'status', status: 400, message: call });

  const reply = planReply(
    behaviour.kind === 'ok' ? behaviour : { kind: 'ok' },
    summariseConversation(call.messages),
  );
  const identity = { id: fakeId('chatcmpl-'), created: Math.floor(Date.now() / 1000), model: call.model };
  const dieAfterChunks = behaviour.kind === 'stream-die' ? behaviour.afterChunks : undefined;

  if (call.stream) {
    return writeCompletionStream(res, {
      identity,
      reply,
      includeUsage: call.includeUsage,
      azure: exchange.call.vendor === 'azure',
      dieAfterChunks,
      chunkDelayMs: behaviour.kind === 'ok' ? behaviour.chunkDelayMs : undefined,
    });
  }
  const payload = JSON.stringify(completionBody(identity, reply));
  if (dieAfterChunks !== undefined) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
    await writeChunk(res, payload.slice(0, Math.floor(payload.length / 2)));
    return destroyAfterFlush(res);
  }
  res.writeHead(200, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'x-request-id': `req_${identity.id}`,
  });
  res.end(payload);
}

function sendMalformedJson(res: ServerResponse): void {
  const payload = '{"id":"chatcmpl-broken","object":"chat.completion","choices":[';
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

export const openAiChatHandler: VendorHandler = async (exchange) => {
  const { res, behaviour } = exchange;
  switch (behaviour.kind) {
    case 'status':
      return sendError(res, behaviour);
    case 'malformed':
      return (exchange.body as { stream?: unknown } | undefined)?.stream === true
        ? writeMalformedStream(res)
        : sendMalformedJson(res);
    case 'ok':
    case 'stream-die':
      return answerCompletion(exchange);
  }
};

/** GET /v1/models (and Azure's /openai/models): what a health probe calls. */
export const openAiModelsHandler: VendorHandler = async (exchange) => {
  const { res, behaviour } = exchange;
  switch (behaviour.kind) {
    case 'status':
      return sendError(res, behaviour);
    case 'malformed':
      return sendMalformedJson(res);
    case 'stream-die':
      return destroyAfterFlush(res, 0);
    case 'ok':
      return sendJson(res, 200, {
        object: 'list',
        data: [{ id: 'gpt-fake', object: 'model', created: 1_700_000_000, owned_by: 'fake-vendor' }],
      });
  }
};
