import { Agent, request } from 'node:http';

const streamBody = (model: string): string =>
  JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Stream to the benchmark.' }] });

/** Keep-alive, as a real client holds its connection (a new TCP connection per stream is not the gateway's cost). */
const agent = new Agent({ keepAlive: true, maxSockets: 2_000 });

interface StreamHooks {
  /** first `data:` byte */
  onFirstData?(): void;
  onEnd?(): void;
}

/** Opens one streaming request; resolves with the time to the first byte of the first data event and the end. */
function oneStream(
  url: string,
  headers: Record<string, string>,
  model: string,
  hooks: StreamHooks = {},
): Promise<{ ttftMs: number; ok: boolean }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let ttftMs = -1;
    const req = request(
      url,
      { method: 'POST', agent, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.on('data', (chunk: Buffer) => {
          if (ttftMs < 0 && chunk.includes('data:')) {
            ttftMs = Number(process.hrtime.bigint() - started) / 1e6;
            hooks.onFirstData?.();
          }
        });
        res.on('end', () => {
          if (ttftMs >= 0) hooks.onEnd?.();
          resolve({ ttftMs, ok: res.statusCode === 200 && ttftMs >= 0 });
        });
        res.on('error', () => resolve({ ttftMs, ok: false }));
      },
    );
    req.on('error', () => resolve({ ttftMs, ok: false }));
    req.end(streamBody(model));
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Runs `count` short streams, 10 at a time, so the JIT has compiled the streaming code path. */
export async function warmStreams(
  url: string,
  headers: Record<string, string>,
  count: number,
): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    await Promise.all(Array.from({ length: 10 }, () => oneStream(url, headers, 'bench-instant')));
  }
}

/**
 * Time to first token, one stream at a time (no queueing in the number). The streaming code path is
 * warmed first (`warmup` streams, 10 at a time) so the JIT has compiled it, as in a serving process.
 */
export async function measureTtft(
  url: string,
  headers: Record<string, string>,
  count: number,
  warmup = 300,
): Promise<{ p50: number; p99: number; failed: number }> {
  await warmStreams(url, headers, warmup);
  const samples: number[] = [];
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const { ttftMs, ok } = await oneStream(url, headers, 'bench-instant');
    if (ok) samples.push(ttftMs);
    else failed++;
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99), failed };
}

/**
 * `count` streams at once against a slow-streaming model; reports how many were open (first data seen,
 * not yet ended) at the same time at most, and the gateway's RSS: before, and at its peak (sampled every
 * 50 ms).
 */
export async function openConcurrentStreams(
  url: string,
  headers: Record<string, string>,
  count: number,
  rssMb: () => number,
): Promise<{ completed: number; failed: number; maxOpen: number; rssBeforeMb: number; peakRssMb: number }> {
  const rssBeforeMb = rssMb();
  let peakRssMb = rssBeforeMb;
  let open = 0;
  let maxOpen = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb())), 50);
  const hooks: StreamHooks = {
    onFirstData: () => (maxOpen = Math.max(maxOpen, ++open)),
    onEnd: () => open--,
  };
  const results = await Promise.all(
    Array.from({ length: count }, () => oneStream(url, headers, 'bench-streaming', hooks)),
  );
  clearInterval(sampler);
  peakRssMb = Math.max(peakRssMb, rssMb());
  const completed = results.filter((r) => r.ok).length;
  return { completed, failed: count - completed, maxOpen, rssBeforeMb, peakRssMb };
}
