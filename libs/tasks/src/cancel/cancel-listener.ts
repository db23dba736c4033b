import { AppConfig } from '@app/config';
import { createRedisClient } from '@app/redis';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { taskChannels } from '../events/task-channels';
import { ActiveRuns } from '../runner/active-runs';

/** The worker's ear for DELETE /tasks/:id: a run of the named task in this process is aborted at once. */
@Injectable()
export class CancelListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CancelListener');
  private subscriber?: Redis;

  constructor(
    private readonly runs: ActiveRuns,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const channel = taskChannels.cancel(this.config.redis.keyPrefix);
    this.subscriber = createRedisClient(this.config.redis, 'subscriber', 'task-cancel');
    this.subscriber.on('message', (from: string, taskId: string) => {
      if (from === channel && this.runs.abort(taskId, 'cancelled')) {
        this.logger.log({ taskId }, 'task cancelled: run aborted');
      }
    });
    // Not awaited: the worker starts without Redis too; ioredis subscribes once connected (and again after a reconnect).
    this.subscriber
      .subscribe(channel)
      .catch((error: Error) => this.logger.warn({ err: error.message }, 'subscribe failed'));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
  }
}
