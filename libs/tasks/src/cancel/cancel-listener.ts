import { AppConfig } from '@app/config';
import { MESSAGE_BUS, type MessageBus } from '@app/redis';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { taskChannels } from '../events/task-channels';
import { ActiveRuns } from '../runner/active-runs';

/** The worker's ear for DELETE /tasks/:id: a run of the named task in this process is aborted at once. */
@Injectable()
export class CancelListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CancelListener');
  private unsubscribe?: Promise<() => void>;

  constructor(
    private readonly runs: ActiveRuns,
    private readonly config: AppConfig,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: the worker starts without Redis too; the subscription is made once connected.
    this.unsubscribe = this.bus.subscribe(taskChannels.cancel(this.config.redis.keyPrefix), (taskId) => {
      if (this.runs.abort(taskId, 'cancelled')) this.logger.log({ taskId }, 'task cancelled: run aborted');
    });
    this.unsubscribe.catch((error: Error) => this.logger.warn({ err: error.message }, 'subscribe failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    const unsubscribe = await this.unsubscribe?.catch(() => undefined);
    unsubscribe?.();
  }
}
