/**
 * Two gateway builds side by side on a busy machine: both run at once against one mock upstream and are
 * driven in alternating slices (A, B, A, B, ...), so that load from elsewhere falls on both alike. Prints
 * req/s, p99 and CPU per request (main threads, summed over a cluster's processes) of each.
 * Run: node bench/ab.mts --a dist-before/apps/api/src/main.js --b dist/apps/api/src/main.js \
 *        [--a-processes 1] [--b-processes 2] [--rounds 6] [--slice 3] [--connections 50] [--delay-ms 0]
 *        [--warmup 10] (s of load on each build before the measured slices: until V8 has optimised the hot path)
 * (PostgreSQL and Redis as for the bench)
 */
import autocannon from 'autocannon';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { prepareGateway, type Gateway } from './gateway-under-test.mts';
import { processTree, startProcess } from './processes.mts';

const { values } = parseArgs({
  options: {
    a: { type: 'string', default: 'dist/apps/api/src/main.js' },
    b: { type: 'string', default: 'dist/apps/api/src/main.js' },
    'a-processes': { type: 'string', default: '1' },
    'b-processes': { type: 'string', default: '1' },
    rounds: { type: 'string', default: '6' },
    slice: { type: 'string', default: '3' },
    connections: { type: 'string', default: '50' },
    'delay-ms': { type: 'string', default: '0' },
    warmup: { type: 'string', default: '10' },
  },
});

function cpuMs(pid: number): number {
  let ms = 0;
  for (const id of processTree(pid)) {
    try {
      const f = readFileSync(`/proc/${id}/task/${id}/stat`, 'utf8').split(') ')[1].split(' ');
      ms += ((Number(f[11]) + Number(f[12])) * 1000) / 100;
    } catch {
      // exited meanwhile
    }
  }
  return ms;
}

interface Totals {
  requests: number;
  seconds: number;
  cpuMs: number;
  p99s: number[];
  errors: number;
}

async function slice(gateway: Gateway, seconds: number, totals?: Totals): Promise<void> {
  const before = cpuMs(gateway.process.pid);
  const result = await autocannon({
    url: `${gateway.url}/v1/chat/completions`,
    connections: Number(values.connections),
    duration: seconds,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...gateway.headers },
    body: JSON.stringify({ model: 'bench-instant', messages: [{ role: 'user', content: 'Say hello.' }] }),
  });
  if (!totals) return;
  totals.cpuMs += cpuMs(gateway.process.pid) - before;
  totals.requests += result.requests.total;
  totals.seconds += seconds;
  totals.p99s.push(result.latency.p99);
  totals.errors += result.errors + result.timeouts + result.non2xx;
}

async function main(): Promise<void> {
  const delay = Number(values['delay-ms']);
  const mock = await startProcess(
    'mock',
    [
      process.execPath,
      'bench/mock-upstream.mts',
      '--port',
      '4410',
      ...(delay ? ['--delay-ms', String(delay)] : []),
    ],
    /mock upstream/,
  );
  const gateways: Gateway[] = [];
  try {
    for (const [entry, processes, port] of [
      [values.a, values['a-processes'], 4430],
      [values.b, values['b-processes'], 4431],
    ] as const) {
      gateways.push(
        await prepareGateway({
          pin: [],
          instantPort: 4410,
          slowPort: 4410,
          streamingPort: 4410,
          entry,
          processes,
          port,
        }),
      );
    }
    for (const g of gateways) await slice(g, Number(values.warmup)); // a cluster's processes share it
    const totals: Totals[] = gateways.map(() => ({ requests: 0, seconds: 0, cpuMs: 0, p99s: [], errors: 0 }));
    for (let r = 0; r < Number(values.rounds); r++) {
      // alternate which goes first
      const order = r % 2 === 0 ? [0, 1] : [1, 0];
      for (const i of order) await slice(gateways[i], Number(values.slice), totals[i]);
    }
    ['A', 'B'].forEach((name, i) => {
      const t = totals[i];
      const p99 = [...t.p99s].sort((x, y) => x - y)[Math.floor(t.p99s.length / 2)];
      console.log(
        `${name} ${name === 'A' ? values.a : values.b} (${name === 'A' ? values['a-processes'] : values['b-processes']} proc): ${(t.requests / t.seconds).toFixed(0)} req/s, median slice p99 ${p99} ms, ${((t.cpuMs * 1000) / t.requests).toFixed(0)} µs CPU/req, RSS ${gateways[i].process.rssMb().toFixed(0)} MB, errors ${t.errors}`,
      );
    });
  } finally {
    for (const g of gateways) await g.cleanup();
    await mock.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
