/**
 * Latency against concurrency: the SDK proxy (bench/sdk-proxy.mts) and the gateway side by side, both on
 * the same delayed mock upstream, at each connection count. Shows what the gateway adds when it is not
 * saturated (the main bench's runs are mostly at saturation).
 * Run: node bench/latency-curve.mts [--connections 1,10,25,50] [--delay-ms 50] [--duration 5]
 *        [--no-limits] [--no-analytics]   (after `npm run build`; PostgreSQL and Redis as for the bench)
 */
import autocannon from 'autocannon';
import { parseArgs } from 'node:util';
import { prepareGateway } from './gateway-under-test.mts';
import { startProcess } from './processes.mts';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '1,10,25,50' },
    'delay-ms': { type: 'string', default: '50' },
    duration: { type: 'string', default: '5' },
    /** the caller unlimited: no limit check at all */
    'no-limits': { type: 'boolean', default: false },
    /** analytics.enabled false: no usage events */
    'no-analytics': { type: 'boolean', default: false },
  },
});

const unlimited = { rpm: 0, tpm: 0, tpd: 0 };
const body = JSON.stringify({ model: 'bench-instant', messages: [{ role: 'user', content: 'Hello.' }] });

async function main(): Promise<void> {
  const mock = await startProcess(
    'mock',
    [process.execPath, 'bench/mock-upstream.mts', '--port', '4411', '--delay-ms', values['delay-ms']],
    /mock upstream/,
  );
  const sdk = await startProcess(
    'sdk-proxy',
    [process.execPath, 'bench/sdk-proxy.mts', '--port', '4423', '--upstream', '4411'],
    /sdk proxy/,
  );
  const gateway = await prepareGateway({
    pin: [],
    instantPort: 4411,
    slowPort: 4411,
    streamingPort: 4411,
    env: {
      ...(values['no-limits']
        ? { MPB__auth__limits: JSON.stringify({ admin: unlimited, user: unlimited }) }
        : {}),
      ...(values['no-analytics'] ? { MPB__analytics__enabled: 'false' } : {}),
    },
  });
  const targets = [
    ['SDK proxy', 'http://127.0.0.1:4423/v1/chat/completions', {}],
    ['gateway', `${gateway.url}/v1/chat/completions`, gateway.headers],
  ] as const;
  const run = (url: string, headers: Record<string, string>, connections: number, duration: number) =>
    autocannon({
      url,
      connections,
      duration,
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });
  try {
    for (const [, url, headers] of targets) await run(url, headers, 50, 5); // warm-up
    console.log(
      `| target | conns | req/s | p50 ms | p90 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|`,
    );
    for (const connections of values.connections.split(',').map(Number)) {
      for (const [name, url, headers] of targets) {
        const r = await run(url, headers, connections, Number(values.duration));
        const errors = r.errors + r.timeouts + r.non2xx;
        console.log(
          `| ${name} | ${connections} | ${Math.round(r.requests.average)} | ${r.latency.p50} | ${r.latency.p90} | ${r.latency.p99} | ${errors} |`,
        );
      }
    }
  } finally {
    await gateway.cleanup();
    await sdk.stop();
    await mock.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
