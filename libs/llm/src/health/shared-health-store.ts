import type Redis from 'ioredis';
import { parseReport, type InstanceHealthReport } from './health-report';

export interface SharedHealthStoreOptions {
  keyPrefix: string;
  instanceId: string;
  /** reports older than this are ignored (and removed): their process stopped or is stuck */
  staleAfterMs: number;
  clock: () => number;
}

/**
 * `${prefix}health:${deploymentId}` is a hash with one JSON field per instance. Redis 7.0 has no TTL per
 * hash field, so each report carries its time, readers skip and delete stale ones, and the key itself
 * expires once no instance writes to it any more.
 */
export class SharedHealthStore {
  constructor(
    private readonly redis: Redis,
    private readonly options: SharedHealthStoreOptions,
  ) {}

  /** One pipeline for every deployment; rejects on the first failed command. */
  async write(reports: Map<string, InstanceHealthReport>): Promise<void> {
    if (reports.size === 0) return;
    this.assertReady();
    const keyTtlMs = this.options.staleAfterMs * 3;
    const pipeline = this.redis.pipeline();
    for (const [deploymentId, report] of reports) {
      const key = this.keyOf(deploymentId);
      pipeline.hset(key, this.options.instanceId, JSON.stringify(report));
      pipeline.pexpire(key, keyTtlMs);
    }
    throwFirstError(await pipeline.exec());
  }

  /** Fresh reports of every other instance, per deployment, in one pipeline (this one's view is live). */
  async read(deploymentIds: string[]): Promise<Map<string, InstanceHealthReport[]>> {
    this.assertReady();
    const pipeline = this.redis.pipeline();
    for (const deploymentId of deploymentIds) pipeline.hgetall(this.keyOf(deploymentId));
    const results = await pipeline.exec();
    throwFirstError(results);

    const freshAfter = this.options.clock() - this.options.staleAfterMs;
    const reports = new Map<string, InstanceHealthReport[]>();
    const stale: Array<[string, string]> = [];
    deploymentIds.forEach((deploymentId, index) => {
      const fields = asStringRecord(results?.[index]?.[1]);
      const fresh: InstanceHealthReport[] = [];
      for (const [instanceId, raw] of Object.entries(fields)) {
        if (instanceId === this.options.instanceId) continue;
        const report = parseReport(raw);
        if (report && report.at >= freshAfter) fresh.push(report);
        else stale.push([this.keyOf(deploymentId), instanceId]);
      }
      reports.set(deploymentId, fresh);
    });
    this.removeStale(stale);
    return reports;
  }

  private removeStale(stale: Array<[string, string]>): void {
    if (stale.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const [key, instanceId] of stale) pipeline.hdel(key, instanceId);
    pipeline.exec().catch(() => undefined);
  }

  /** Not even queueing commands on a client that is reconnecting keeps an outage cheap. */
  private assertReady(): void {
    if (this.redis.status !== 'ready') throw new Error(`Redis is ${this.redis.status}`);
  }

  private keyOf(deploymentId: string): string {
    return `${this.options.keyPrefix}health:${deploymentId}`;
  }
}

type PipelineResults = Array<[Error | null, unknown]> | null;

function throwFirstError(results: PipelineResults): void {
  const failed = results?.find(([error]) => error !== null);
  if (failed?.[0]) throw failed[0];
}

function asStringRecord(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null) return {};
  const record: Record<string, string> = {};
  for (const [field, raw] of Object.entries(value)) if (typeof raw === 'string') record[field] = raw;
  return record;
}
