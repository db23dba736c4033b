/**
 * The floor for any Node gateway: a bare pass-through proxy (node:http, keep-alive agent) with no logic.
 * Run: node bench/bare-proxy.mts --port 4011 --upstream 4010
 */
import { Agent, createServer, request } from 'node:http';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { port: { type: 'string', default: '4011' }, upstream: { type: 'string', default: '4010' } },
});
const agent = new Agent({ keepAlive: true, maxSockets: 256 });
const upstreamPort = Number(values.upstream);

const server = createServer((req, res) => {
  const upstream = request(
    { host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers, agent },
    (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
});
server.keepAliveTimeout = 60_000;
server.listen(Number(values.port), '127.0.0.1', () => process.stdout.write(`bare proxy on ${values.port}\n`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
