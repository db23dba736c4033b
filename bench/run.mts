/**
 * `npm run bench`: gateway overhead against the floor, on loopback, bounded in time.
 * Starts mock upstreams (instant and 50 ms), a bare Node proxy, and the built gateway (api + its real hot
 * path: API-key auth, Redis throttling, cache miss, router, usage events), then drives each with
 * autocannon at 50 and 64 connections and prints a markdown table. Needs `npm run build` first and
 * PostgreSQL/Redis as for `npm start` (DATABASE_URL / REDIS_URL; a throwaway database is created).
 * Options: --duration 10 (s per run), --pin (taskset: load generator on core 0, servers on core 1).
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { prepareGateway, type Gateway } from './gateway-under-test.mts';
import { measureTtft, openConcurrentStreams } from './streams.mts';
import { startProcess, type Started } from './processes.mts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    pin: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50,64' },
  },
});
const duration = Number(values.duration);
const connectionCounts = values.connections.split(',').map(Number);
const pin = values.pin ? ['taskset', '-c', '1'] : [];

interface Row {
  target: string;
  upstream: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssMb?: number;
}

const body = JSON.stringify({
  model: 'bench-instant',
  messages: [{ role: 'user', content: 'Say hello to the benchmark.' }],
});

async function drive(
  url: string,
  connections: number,
  headers: Record<string, string>,
  payload: string,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  });
}

function row(
  target: string,
  upstream: string,
  connections: number,
  result: autocannon.Result,
  rssMb?: number,
): Row {
  return {
    target,
    upstream,
    connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    rssMb,
  };
}

async function main(): Promise<void> {
  const started: Started[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((p) => p.stop()));
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  let gateway: Gateway | undefined;
  try {
    const mockInstant = await startProcess(
      'mock-instant',
      [...pin, process.execPath, 'bench/mock-upstream.mts', '--port', '4410'],
      /mock upstream/,
    );
    const mockSlow = await startProcess(
      'mock-50ms',
      [...pin, process.execPath, 'bench/mock-upstream.mts', '--port', '4411', '--delay-ms', '50'],
      /mock upstream/,
    );
    const mockStreaming = await startProcess(
      'mock-streaming',
      [
        ...pin,
        process.execPath,
        'bench/mock-upstream.mts',
        '--port',
        '4412',
        '--chunks',
        '20',
        '--chunk-interval-ms',
        '100',
      ],
      /mock upstream/,
    );
    const proxyInstant = await startProcess(
      'proxy-instant',
      [...pin, process.execPath, 'bench/bare-proxy.mts', '--port', '4420', '--upstream', '4410'],
      /bare proxy/,
    );
    const proxySlow = await startProcess(
      'proxy-50ms',
      [...pin, process.execPath, 'bench/bare-proxy.mts', '--port', '4421', '--upstream', '4411'],
      /bare proxy/,
    );
    started.push(mockInstant, mockSlow, mockStreaming, proxyInstant, proxySlow);
    gateway = await prepareGateway({ pin, instantPort: 4410, slowPort: 4411, streamingPort: 4412 });
    started.push(gateway.process);

    const rows: Row[] = [];
    for (const connections of connectionCounts) {
      for (const [upstream, model, direct, proxy] of [
        ['instant', 'bench-instant', 4410, 4420],
        ['50 ms', 'bench-50ms', 4411, 4421],
      ] as const) {
        const payload = body.replace('bench-instant', model);
        rows.push(
          row(
            'direct',
            upstream,
            connections,
            await drive(`http://127.0.0.1:${direct}/v1/chat/completions`, connections, {}, payload),
          ),
        );
        rows.push(
          row(
            'bare proxy',
            upstream,
            connections,
            await drive(`http://127.0.0.1:${proxy}/v1/chat/completions`, connections, {}, payload),
          ),
        );
        const result = await drive(
          `${gateway.url}/v1/chat/completions`,
          connections,
          gateway.headers,
          payload,
        );
        rows.push(row('gateway', upstream, connections, result, gateway.process.rssMb()));
      }
    }
    printTable(rows);

    const ttftDirect = await measureTtft('http://127.0.0.1:4410/v1/chat/completions', {}, 200);
    const ttftGateway = await measureTtft(`${gateway.url}/v1/chat/completions`, gateway.headers, 200);
    console.log('\n| stream TTFT (200 sequential, instant upstream) | p50 ms | p99 ms |\n|---|---|---|');
    console.log(`| direct | ${ttftDirect.p50.toFixed(2)} | ${ttftDirect.p99.toFixed(2)} |`);
    console.log(`| gateway | ${ttftGateway.p50.toFixed(2)} | ${ttftGateway.p99.toFixed(2)} |`);
    console.log(
      `| **added** | **${(ttftGateway.p50 - ttftDirect.p50).toFixed(2)}** | ${(ttftGateway.p99 - ttftDirect.p99).toFixed(2)} |`,
    );

    const streams = await openConcurrentStreams(
      `${gateway.url}/v1/chat/completions`,
      gateway.headers,
      1000,
      () => gateway!.process.rssMb(),
    );
    console.log(
      `\n1,000 concurrent streams through the gateway: ${streams.completed} completed, ${streams.failed} failed, peak gateway RSS ${streams.peakRssMb.toFixed(0)} MB`,
    );
  } finally {
    await gateway?.cleanup();
    await stopAll();
  }
}

function printTable(rows: Row[]): void {
  const direct = (r: Row): Row | undefined =>
    rows.find((d) => d.target === 'direct' && d.upstream === r.upstream && d.connections === r.connections);
  const proxy = (r: Row): Row | undefined =>
    rows.find(
      (d) => d.target === 'bare proxy' && d.upstream === r.upstream && d.connections === r.connections,
    );
  console.log(
    '| target | upstream | conns | req/s | p50 ms | p99 ms | added p99 vs direct | × bare proxy | RSS MB | errors |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const d = direct(r);
    const p = proxy(r);
    const added = d && r.target !== 'direct' ? `${r.p99 - d.p99} ms` : '';
    const ratio = p && r.target === 'gateway' ? (r.rps / p.rps).toFixed(2) : '';
    console.log(
      `| ${r.target} | ${r.upstream} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${added} | ${ratio} | ${r.rssMb?.toFixed(0) ?? ''} | ${r.errors} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
