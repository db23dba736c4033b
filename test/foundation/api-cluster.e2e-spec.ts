import { request } from 'node:http';
import { freePort } from '../support/hermetic-services';
import { DIST, spawnNode } from '../support/processes';
import { createTestDatabase, dropTestDatabase, testRedisUrl } from '../support/services';
import { testEnv } from '../support/test-config';

/** A GET on a new connection (no keep-alive), so that node:cluster hands each to the next process. */
function getOnNewConnection(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (part: string) => (body += part));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** The value of one series in Prometheus text (0 when absent). */
function seriesValue(metrics: string, series: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const READY_SERIES = 'mpb_http_requests_total{method="GET",route="/health/ready",status="200"}';

describe('api cluster (server.processes)', () => {
  let databaseUrl: string;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase();
  });

  afterAll(async () => {
    await dropTestDatabase(databaseUrl);
  });

  it('serves one port from N processes, counts all of them in /metrics, replaces a killed one, stops on SIGTERM', async () => {
    const metricsPort = await freePort();
    const proc = spawnNode(
      DIST.api,
      testEnv({
        databaseUrl,
        redisUrl: testRedisUrl(),
        extra: { MPB__server__processes: '2', MPB__analytics__metrics__port: String(metricsPort) },
      }),
    );
    await proc.waitForOutput(/api cluster: 2 processes listening/, 30_000);
    const [, url] = await proc.waitForOutput(/api listening on (http:\/\/[^"\s]+)/);
    const listening = (): number[] => [
      ...new Set([...proc.output().matchAll(/"pid":(\d+)[^\n]*api listening on/g)].map((m) => Number(m[1]))),
    ];
    // the primary hears of a listening process a moment before that process logs it
    const untilListening = async (count: number): Promise<void> => {
      while (listening().length < count) await new Promise((r) => setTimeout(r, 50));
    };
    await untilListening(2);

    for (let i = 0; i < 20; i++) expect((await getOnNewConnection(`${url}/health/ready`)).status).toBe(200);
    // Scrapes land on either process; each must see the whole cluster's count, not its own half.
    for (let i = 0; i < 2; i++) {
      const scrape = await getOnNewConnection(`http://127.0.0.1:${metricsPort}/metrics`);
      expect(scrape.status).toBe(200);
      expect(seriesValue(scrape.body, READY_SERIES)).toBe(20);
    }

    process.kill(listening()[0], 'SIGKILL');
    await proc.waitForOutput(/exited \(code SIGKILL\); replacing it/);
    await untilListening(3);
    expect((await getOnNewConnection(`${url}/health/ready`)).status).toBe(200);

    proc.child.kill('SIGTERM');
    expect(await proc.exited()).toEqual({ code: 0, signal: null });
  });
});
