/**
 * A mock OpenAI-compatible upstream for benchmarks: answers POST /v1/chat/completions at once or after
 * a fixed delay (`--delay-ms`), as JSON or as an SSE stream of `--chunks` chunks. Loopback only.
 * Run: node bench/mock-upstream.mts --port 4010 --delay-ms 0 [--chunk-interval-ms 0]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '4010' },
    'delay-ms': { type: 'string', default: '0' },
    chunks: { type: 'string', default: '8' },
    'chunk-interval-ms': { type: 'string', default: '0' },
  },
});
const delayMs = Number(values['delay-ms']);
const chunkCount = Number(values.chunks);
const chunkIntervalMs = Number(values['chunk-interval-ms']);
const created = Math.floor(Date.now() / 1000);
const usage = { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 };
const jsonBody = JSON.stringify({
  id: 'chatcmpl-bench',
  object: 'chat.completion',
  created,
  model: 'bench-model',
  choices: [
    {
      index: 0,
      message: { role: 'assistant', content: 'The quick brown fox jumps.' },
      finish_reason: 'stop',
    },
  ],
  usage,
});
const chunkFrame = (delta: object, finish: string | null): string =>
  `data: ${JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion.chunk',
    created,
    model: 'bench-model',
    choices: [{ index: 0, delta, finish_reason: finish }],
  })}\n\n`;
const usageFrame = `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'bench-model', choices: [], usage })}\n\n`;

function answer(req: IncomingMessage, res: ServerResponse, body: string): void {
  if (req.method === 'GET' && req.url?.startsWith('/v1/models')) {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"object":"list","data":[]}');
    return;
  }
  if (req.method !== 'POST' || !req.url?.startsWith('/v1/chat/completions')) {
    res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
    return;
  }
  const stream = body.includes('"stream":true');
  if (!stream) {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(jsonBody) });
    res.end(jsonBody);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(chunkFrame({ role: 'assistant', content: '' }, null));
  const finish = (): void => {
    res.write(chunkFrame({}, 'stop'));
    if (body.includes('"include_usage":true')) res.write(usageFrame);
    res.end('data: [DONE]\n\n');
  };
  if (chunkIntervalMs <= 0) {
    for (let i = 0; i < chunkCount; i++) res.write(chunkFrame({ content: `tok${i} ` }, null));
    finish();
    return;
  }
  let sent = 0;
  const timer = setInterval(() => {
    if (res.destroyed) return clearInterval(timer);
    res.write(chunkFrame({ content: `tok${sent} ` }, null));
    if (++sent === chunkCount) {
      clearInterval(timer);
      finish();
    }
  }, chunkIntervalMs);
}

const server = createServer((req, res) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (part: string) => (body += part));
  req.on('end', () => {
    if (delayMs > 0) setTimeout(() => answer(req, res, body), delayMs);
    else answer(req, res, body);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () =>
  process.stdout.write(`mock upstream on ${values.port}\n`),
);
process.on('SIGTERM', () => server.close(() => process.exit(0)));
