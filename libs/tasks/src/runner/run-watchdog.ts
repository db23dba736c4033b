import { AppConfig } from '@app/config';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ActiveRuns } from './active-runs';
import { TaskRunStore } from './task-run.store';

/**
 * Every tasks.heartbeatIntervalMs: one UPDATE marks this worker's runs alive (the reconciler leaves
 * them alone) and reveals the runs whose row is no longer theirs (cancelled while the Redis signal was
 * lost, or taken over), which are aborted.
 */
@Injectable()
export class RunWatchdog implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RunWatchdog');
  private timer?: NodeJS.Timeout;
  private beating = false;

  constructor(
    private readonly runs: ActiveRuns,
    private readonly store: TaskRunStore,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.beat(), this.config.tasks.heartbeatIntervalMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async beat(): Promise<void> {
    const runs = this.runs.list();
    if (this.beating || runs.length === 0) return;
    this.beating = true;
    try {
      const held = await this.store.heartbeat(runs);
      for (const run of runs) {
        if (!held.has(run.taskId)) this.runs.abort(run.taskId, 'released');
      }
    } catch (error) {
      this.logger.warn({ err: (error as Error).message }, 'heartbeat failed');
    } finally {
      this.beating = false;
    }
  }
}
