/**
 * A CPU profile of the gateway under load: mock upstream (instant), the built api with `--cpu-prof`, then
 * autocannon (50 connections) for --duration seconds. Prints where the api's CPU went, by package.
 * Run: node bench/profile-gateway.mts --duration 10 --dir /tmp/prof [--no-profile]
 * (PostgreSQL and Redis as for the bench; BENCH_GATEWAY_ENTRY=<main.js> profiles another build)
 */
import autocannon from 'autocannon';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { prepareGateway } from './gateway-under-test.mts';
import { startProcess } from './processes.mts';

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    dir: { type: 'string', default: 'cpu-profiles' },
    connections: { type: 'string', default: '50' },
    /** the mock upstream's delay before answering (0: instant) */
    'delay-ms': { type: 'string', default: '0' },
    /** no profile: only the run (e.g. to watch the process with perf or strace) */
    'no-profile': { type: 'boolean', default: false },
  },
});

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  endTime: number;
}

/**
 * Self time of the samples taken under load (the last `seconds`), by where the code lives (a node_modules
 * package, node's own modules, the gateway, or V8), or by function.
 */
function summarise(profile: Profile, seconds: number, byFunction: boolean): [string, number][] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map<string, number>();
  let busy = 0;
  let time = profile.endTime;
  const times: number[] = [];
  for (let i = profile.samples.length - 1; i >= 0; i--) {
    times[i] = time;
    time -= profile.timeDeltas[i];
  }
  const from = profile.endTime - seconds * 1e6;
  profile.samples.forEach((id, i) => {
    if (times[i] < from) return;
    const { url, functionName } = byId.get(id)?.callFrame ?? { url: '', functionName: '' };
    if (functionName === '(idle)') return;
    busy++;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
    const where = pkg ?? (url.startsWith('node:') ? url : url ? 'gateway' : `(${functionName || 'native'})`);
    const file = url.split('/').slice(-2).join('/');
    const key = byFunction ? `${functionName || '(anonymous)'} ${where === 'gateway' ? file : where}` : where;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => [k, (100 * n) / busy] as [string, number]);
}

async function main(): Promise<void> {
  const mock = await startProcess(
    'mock',
    [process.execPath, 'bench/mock-upstream.mts', '--port', '4410', '--delay-ms', values['delay-ms']],
    /mock upstream/,
  );
  const gateway = await prepareGateway({
    pin: [],
    instantPort: 4410,
    slowPort: 4410,
    streamingPort: 4410,
    nodeArgs: values['no-profile'] ? [] : ['--cpu-prof', `--cpu-prof-dir=${values.dir}`],
  }).catch(async (error: unknown) => {
    await mock.stop();
    throw error;
  });
  try {
    const run = (duration: number): Promise<autocannon.Result> =>
      autocannon({
        url: `${gateway.url}/v1/chat/completions`,
        connections: Number(values.connections),
        duration,
        method: 'POST',
        headers: { 'content-type': 'application/json', ...gateway.headers },
        body: JSON.stringify({ model: 'bench-instant', messages: [{ role: 'user', content: 'Hello.' }] }),
      });
    const result = await run(Number(values.duration));
    console.log(`${Math.round(result.requests.average)} req/s, errors ${result.errors + result.non2xx}`);
  } finally {
    await gateway.cleanup();
    await mock.stop();
  }
  if (values['no-profile']) return;
  const files = readdirSync(values.dir).filter((f) => f.endsWith('.cpuprofile'));
  const newest = files.sort().at(-1);
  if (!newest) return;
  const profile = JSON.parse(readFileSync(join(values.dir, newest), 'utf8')) as Profile;
  console.log(`${newest}:`);
  // the load ended a moment before the process: leave out start-up and the shutdown
  const seconds = Number(values.duration) - 1;
  for (const [key, pct] of summarise(profile, seconds, false).slice(0, 30))
    console.log(`${pct.toFixed(1).padStart(5)} %  ${key}`);
  console.log('\nby function:');
  for (const [key, pct] of summarise(profile, seconds, true).slice(0, 40))
    console.log(`${pct.toFixed(1).padStart(5)} %  ${key}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
