import type { ServerResponse } from 'node:http';
import type { PlannedReply } from './helpers';
import { usageBody, type CompletionIdentity } from './openai-wire';
import {
  destroyAfterFlush,
  splitIntoFragments,
  splitIntoWords,
  waitWhileConnected,
  writeChunk,
} from './wire';

export interface StreamPlan {
  identity: CompletionIdentity;
  reply: PlannedReply;
  includeUsage: boolean;
  /** Azure opens every stream with a prompt-filter chunk that has no choices. */
  azure: boolean;
  /** Cut the connection after this many content chunks instead of finishing. */
  dieAfterChunks?: number;
  /** Pause before each content chunk. */
  chunkDelayMs?: number;
}

type Delta = Record<string, unknown>;

function chunk(
  plan: StreamPlan,
  delta: Delta | undefined,
  finishReason: string | null = null,
): Record<string, unknown> {
  return {
    ...plan.identity,
    object: 'chat.completion.chunk',
    system_fingerprint: 'fp_fake',
    choices: delta ? [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] : [],
    ...(plan.includeUsage ? { usage: null } : {}),
  };
}

function contentDeltas(reply: PlannedReply): Delta[] {
  const words: Delta[] = splitIntoWords(reply.text).map((word) => ({ content: word }));
  const tools = reply.toolCalls.flatMap((call, index): Delta[] => [
    { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] },
    ...splitIntoFragments(call.arguments).map((fragment) => ({
      tool_calls: [{ index, function: { arguments: fragment } }],
    })),
  ]);
  return [...words, ...tools];
}

function frame(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

export async function writeCompletionStream(res: ServerResponse, plan: StreamPlan): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    'x-request-id': `req_${plan.identity.id}`,
  });
  if (plan.azure) {
    await writeChunk(
      res,
      frame({ id: '', object: '', created: 0, model: '', choices: [], prompt_filter_results: [] }),
    );
  }
  await writeChunk(res, frame(chunk(plan, { role: 'assistant', content: '', refusal: null })));

  const deltas = contentDeltas(plan.reply);
  const dying = plan.dieAfterChunks !== undefined;
  for (const delta of dying ? deltas.slice(0, plan.dieAfterChunks) : deltas) {
    if (plan.chunkDelayMs && !(await waitWhileConnected(res, plan.chunkDelayMs))) return;
    await writeChunk(res, frame(chunk(plan, delta)));
  }
  if (dying) return destroyAfterFlush(res);

  await writeChunk(res, frame(chunk(plan, {}, plan.reply.finish)));
  if (plan.includeUsage) {
    await writeChunk(res, frame({ ...chunk(plan, undefined), usage: usageBody(plan.reply.usage) }));
  }
  res.end('data: [DONE]\n\n');
}

/** A stream the SDK cannot parse: its only frame is not JSON. */
export async function writeMalformedStream(res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
  await writeChunk(res, 'data: {"id":"chatcmpl-broken","object":"chat.completion.chunk","choices":[\n\n');
  res.end();
}
