/**
 * The floor for a gateway that must call vendors through their official SDK: a node:http server that parses
 * the body and makes the same call with the openai SDK, over the gateway's own transport (the built
 * createNodeHttpFetch), and writes the SDK's answer back as JSON. No auth, limits, routing, caching or
 * accounting: what is left is the SDK's cost per call on top of the bare proxy.
 * Run: node bench/sdk-proxy.mts --port 4012 --upstream 4010   (after `npm run build`)
 */
import { createRequire } from 'node:module';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import OpenAI from 'openai';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '4012' }, upstream: { type: 'string', default: '4010' } },
});
const require = createRequire(import.meta.url);
const { createNodeHttpFetch } = require('../dist/libs/llm/src/adapters/shared/node-http-fetch.js') as {
  createNodeHttpFetch: () => typeof fetch;
};
const client = new OpenAI({
  apiKey: 'bench',
  baseURL: `http://127.0.0.1:${values.upstream}/v1`,
  maxRetries: 0,
  fetch: createNodeHttpFetch(),
});

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const params = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OpenAI.ChatCompletionCreateParamsNonStreaming;
    client.chat.completions.create(params).then(
      (completion) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(completion));
      },
      () => res.writeHead(502).end(),
    );
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`sdk proxy on ${values.port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
