import { request } from 'node:http';

const streamBody = (model: string): string =>
  JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'Stream to the benchmark.' }] });

/** Opens one streaming request; resolves with the time to the first byte of the first data event and the end. */
function oneStream(
  url: string,
  headers: Record<string, string>,
  model: string,
): Promise<{ ttftMs: number; ok: boolean }> {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let ttftMs = -1;
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        res.on('data', (chunk: Buffer) => {
          if (ttftMs < 0 && chunk.includes('data:')) ttftMs = Number(process.hrtime.bigint() - started) / 1e6;
        });
        res.on('end', () => resolve({ ttftMs, ok: res.statusCode === 200 && ttftMs >= 0 }));
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

export async function measureTtft(
  url: string,
  headers: Record<string, string>,
  count: number,
): Promise<{ p50: number; p99: number }> {
  const samples: number[] = [];
  for (let i = 0; i < 20; i++) await oneStream(url, headers, 'bench-instant'); // warm-up
  for (let i = 0; i < count; i++) {
    const { ttftMs, ok } = await oneStream(url, headers, 'bench-instant');
    if (ok) samples.push(ttftMs);
  }
  samples.sort((a, b) => a - b);
  return { p50: percentile(samples, 50), p99: percentile(samples, 99) };
}

export async function openConcurrentStreams(
  url: string,
  headers: Record<string, string>,
  count: number,
  rssMb: () => number,
): Promise<{ completed: number; failed: number; peakRssMb: number }> {
  let peakRssMb = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, rssMb())), 100);
  const results = await Promise.all(
    Array.from({ length: count }, () => oneStream(url, headers, 'bench-streaming')),
  );
  clearInterval(sampler);
  peakRssMb = Math.max(peakRssMb, rssMb());
  const completed = results.filter((r) => r.ok).length;
  return { completed, failed: count - completed, peakRssMb };
}
