/**
 * `npm run bench`: gateway overhead against the floor, on loopback, bounded in time.
 * Starts mock upstreams (instant and 50 ms; JSON and SSE), a bare Node proxy, the openai SDK behind a bare
 * server (the floor for a gateway that must call vendors through the SDK), and the built gateway (api +
 * its real hot path: API-key auth, Redis request and token limits, cache miss path, router, usage events),
 * then drives each with autocannon at 50 and 64 connections and prints markdown tables: throughput and
 * latency side by side, stream time to first token, and RSS with 1,000 concurrent open streams (on the
 * gateway after those runs, and on a fresh one).
 * Needs PostgreSQL/Redis as for `npm start` (DATABASE_URL / REDIS_URL; a throwaway database is created).
 *
 * Options: --duration 10 (s per measured run), --warmup 2 (s, before each run, not measured),
 * --connections 50,64, --streams 1000, --ttft-samples 500,
 * --pin (taskset: this load generator on core 0, every server on core 1; Redis is not pinned),
 * --gateway-processes 1,auto (server.processes of each gateway measured, side by side: auto = one per CPU;
 * the bare proxy is one process whatever this says), --gateway-warmup 5 (s of load on each gateway once
 * started, not measured).
 * BENCH_GATEWAY_ENTRY=<main.js> runs another build of the api; BENCH_GATEWAY_LOG_LEVEL (default warn).
 */
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { GATEWAY_NODE_OPTIONS, prepareGateway, type Gateway } from './gateway-under-test.mts';
import { measureTtft, openConcurrentStreams, warmStreams } from './streams.mts';
import { processTree, startProcess, type Started } from './processes.mts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    pin: { type: 'boolean', default: false },
    connections: { type: 'string', default: '50,64' },
    streams: { type: 'string', default: '1000' },
    'ttft-samples': { type: 'string', default: '500' },
    'gateway-processes': { type: 'string', default: '1,auto' },
    'gateway-warmup': { type: 'string', default: '5' },
  },
});
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const startWarmup = Number(values['gateway-warmup']);
const connectionCounts = values.connections.split(',').map(Number);
const pin = values.pin ? ['taskset', '-c', '1'] : [];
/** server.processes of each gateway measured (a number or auto); the bare proxy is always one process */
const gatewayProcesses = values['gateway-processes']
  .split(',')
  .map((p) => (p === 'auto' ? String(availableParallelism()) : p));
if (values.pin) execFileSync('taskset', ['-pc', '0', String(process.pid)], { stdio: 'ignore' });

/** The openai SDK behind a bare server (bench/sdk-proxy.mts): what any gateway calling through it pays. */
const SDK_PROXY = 'SDK proxy';

interface Row {
  target: string;
  upstream: string;
  connections: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  rssMb?: number;
  /** main-thread CPU per request (the event loop: what limits a Node server) */
  cpuUsPerRequest?: number;
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
  seconds = duration,
): Promise<autocannon.Result> {
  return autocannon({
    url,
    connections,
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: payload,
  });
}

/** utime + stime of the main threads of a process and its descendants (an api cluster's workers), in ms. */
function mainThreadCpuMs(pid: number): number {
  let ms = 0;
  for (const id of processTree(pid)) {
    try {
      const fields = readFileSync(`/proc/${id}/task/${id}/stat`, 'utf8').split(') ')[1].split(' ');
      ms += ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
    } catch {
      // exited meanwhile
    }
  }
  return ms;
}

/** A warm-up run (not measured: the JIT, pools and caches settle), then the measured run. */
async function measure(
  target: string,
  upstream: string,
  connections: number,
  url: string,
  headers: Record<string, string>,
  payload: string,
  process?: Started,
): Promise<Row> {
  if (warmup > 0) await drive(url, connections, headers, payload, warmup);
  const cpuBefore = process ? mainThreadCpuMs(process.pid) : 0;
  const result = await drive(url, connections, headers, payload);
  const cpuMs = process ? mainThreadCpuMs(process.pid) - cpuBefore : 0;
  return {
    target,
    upstream,
    connections,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts + result.non2xx,
    rssMb: process?.rssMb(),
    cpuUsPerRequest: process && result.requests.total ? (cpuMs * 1000) / result.requests.total : undefined,
  };
}

async function main(): Promise<void> {
  const started: Started[] = [];
  const stopAll = async (): Promise<void> => {
    await Promise.all(started.map((p) => p.stop()));
  };
  process.on('SIGINT', () => void stopAll().then(() => process.exit(130)));
  const gateways: Gateway[] = [];
  console.log(
    `bench: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(
        ' ',
      )}, node ${process.version}, duration ${duration} s (+${warmup} s warm-up) per run${values.pin ? ', pinned' : ''}, gateway server.processes ${gatewayProcesses.join(', ')} (bare proxy: 1 process)\n`,
  );
  try {
    const mock = async (name: string, port: number, extra: string[] = []): Promise<Started> => {
      const p = await startProcess(
        name,
        [...pin, process.execPath, 'bench/mock-upstream.mts', '--port', String(port), ...extra],
        /mock upstream/,
      );
      started.push(p);
      return p;
    };
    await mock('mock-instant', 4410);
    await mock('mock-50ms', 4411, ['--delay-ms', '50']);
    // 30 chunks, 250 ms apart: each stream stays open 7.5 s, so all of them are open at once
    await mock('mock-streaming', 4412, ['--chunks', '30', '--chunk-interval-ms', '250']);
    // the bare proxy (the floor for any Node gateway) and the SDK proxy (the floor with the vendor SDK)
    const proxies: Record<number, Started> = {};
    for (const [port, upstream, script, ready] of [
      [4420, 4410, 'bench/bare-proxy.mts', /bare proxy/],
      [4421, 4411, 'bench/bare-proxy.mts', /bare proxy/],
      [4422, 4410, 'bench/sdk-proxy.mts', /sdk proxy/],
      [4423, 4411, 'bench/sdk-proxy.mts', /sdk proxy/],
    ] as const) {
      proxies[port] = await startProcess(
        `proxy-${port}`,
        [...pin, process.execPath, script, '--port', String(port), '--upstream', String(upstream)],
        ready,
      );
      started.push(proxies[port]);
    }
    // one gateway per process count, all started now and measured in turn, next to the same direct and proxy runs
    const gatewayOptions = (processes: string, port: number) => ({
      pin,
      instantPort: 4410,
      slowPort: 4411,
      streamingPort: 4412,
      processes,
      port,
    });
    const label = (processes: string): string =>
      `gateway, ${processes} process${processes === '1' ? '' : 'es'}`;
    for (const [i, processes] of gatewayProcesses.entries()) {
      const gateway = await prepareGateway(gatewayOptions(processes, 4430 + i));
      gateways.push(gateway);
      started.push(gateway.process);
      // each process of a cluster gets only its share of a run's warm-up: settle the JIT of all of them first
      await drive(`${gateway.url}/v1/chat/completions`, 50, gateway.headers, body, startWarmup);
    }

    const rows: Row[] = [];
    for (const connections of connectionCounts) {
      for (const [upstream, model, direct, proxy, sdkProxy] of [
        ['instant', 'bench-instant', 4410, 4420, 4422],
        ['50 ms', 'bench-50ms', 4411, 4421, 4423],
      ] as const) {
        const payload = body.replace('bench-instant', model);
        const url = (port: number): string => `http://127.0.0.1:${port}/v1/chat/completions`;
        rows.push(await measure('direct', upstream, connections, url(direct), {}, payload));
        rows.push(
          await measure('bare proxy', upstream, connections, url(proxy), {}, payload, proxies[proxy]),
        );
        rows.push(
          await measure(SDK_PROXY, upstream, connections, url(sdkProxy), {}, payload, proxies[sdkProxy]),
        );
        for (const [i, gateway] of gateways.entries()) {
          rows.push(
            await measure(
              label(gatewayProcesses[i]),
              upstream,
              connections,
              `${gateway.url}/v1/chat/completions`,
              gateway.headers,
              payload,
              gateway.process,
            ),
          );
        }
      }
    }
    printTable(rows);

    const samples = Number(values['ttft-samples']);
    const ttftDirect = await measureTtft('http://127.0.0.1:4410/v1/chat/completions', {}, samples);
    console.log(
      `\n| stream TTFT (${samples} sequential, instant upstream, after 300 warm-up streams) | p50 ms | p99 ms | added p50 / p99 ms | failed |\n|---|---|---|---|---|`,
    );
    console.log(
      `| direct | ${ttftDirect.p50.toFixed(2)} | ${ttftDirect.p99.toFixed(2)} | | ${ttftDirect.failed} |`,
    );
    for (const [i, gateway] of gateways.entries()) {
      const ttft = await measureTtft(`${gateway.url}/v1/chat/completions`, gateway.headers, samples);
      console.log(
        `| ${label(gatewayProcesses[i])} | ${ttft.p50.toFixed(2)} | ${ttft.p99.toFixed(2)} | **${(ttft.p50 - ttftDirect.p50).toFixed(2)}** / ${(ttft.p99 - ttftDirect.p99).toFixed(2)} | ${ttft.failed} |`,
      );
    }

    // After the load runs (V8 has grown the heap under them) and again on a fresh start (the streams' own cost).
    const count = Number(values.streams);
    const streamsOn = async (gw: Gateway, name: string): Promise<string> => {
      const s = await openConcurrentStreams(`${gw.url}/v1/chat/completions`, gw.headers, count, () =>
        gw.process.rssMb(),
      );
      return `| ${name} | ${s.completed} | ${s.failed} | ${s.maxOpen} | ${s.rssBeforeMb.toFixed(0)} | **${s.peakRssMb.toFixed(0)}** |`;
    };
    const streamRows: string[] = [];
    const restarts: string[] = [];
    for (const [i, processes] of gatewayProcesses.entries()) {
      streamRows.push(await streamsOn(gateways[i], `${label(processes)}, after the runs above`));
      // a cluster replaces a process that died: say so, or its numbers would pass for a healthy run
      const replaced = gateways[i].process.output().match(/replacing it/g)?.length ?? 0;
      restarts.push(`${label(processes)}: ${replaced} process${replaced === 1 ? '' : 'es'} replaced`);
      await gateways[i].cleanup();
      const fresh = await prepareGateway(gatewayOptions(processes, 4430 + i));
      gateways[i] = fresh;
      // warmed (2 s of requests, 300 streams) so that opening 1,000 streams is not slowed by the JIT
      await drive(`${fresh.url}/v1/chat/completions`, 50, fresh.headers, body, 2);
      await warmStreams(`${fresh.url}/v1/chat/completions`, fresh.headers, 300);
      streamRows.push(await streamsOn(fresh, `${label(processes)}, fresh start (warmed up 2 s)`));
    }
    console.log(
      `\n| ${count.toLocaleString('en')} concurrent streams (7.5 s each, 4 chunks/s) | completed | failed | open at once (max) | RSS before MB | peak RSS MB |\n|---|---|---|---|---|---|`,
    );
    for (const row of streamRows) console.log(row);
    console.log(`\n${restarts.join('; ')} (during the runs above)`);
    console.log(
      `\ngateway node options: ${GATEWAY_NODE_OPTIONS.join(' ')}; server.processes ${gatewayProcesses.join(', ')}; a cluster's CPU and RSS are summed over its processes (primary included); the bare proxy is one process`,
    );
  } finally {
    for (const gateway of gateways) await gateway.cleanup().catch(() => undefined);
    await stopAll();
  }
}

function printTable(rows: Row[]): void {
  const find = (target: string, r: Row): Row | undefined =>
    rows.find((d) => d.target === target && d.upstream === r.upstream && d.connections === r.connections);
  console.log(
    '| target | upstream | conns | req/s | p50 ms | p99 ms | added p50 / p99 vs direct | × bare proxy | CPU µs/req | RSS MB | errors |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    const d = find('direct', r);
    const p = find('bare proxy', r);
    const added = d && r.target !== 'direct' ? `${r.p50 - d.p50} / ${r.p99 - d.p99} ms` : '';
    const gateway = r.target.startsWith('gateway');
    const ratio = p && (gateway || r.target === SDK_PROXY) ? `**${(r.rps / p.rps).toFixed(2)}**` : '';
    console.log(
      `| ${r.target} | ${r.upstream} | ${r.connections} | ${r.rps} | ${r.p50} | ${r.p99} | ${added} | ${ratio} | ${r.cpuUsPerRequest?.toFixed(0) ?? ''} | ${gateway ? (r.rssMb?.toFixed(0) ?? '') : ''} | ${r.errors} |`,
    );
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
