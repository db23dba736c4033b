import { AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { taskChannels, type TaskChangeMessage } from './task-channels';

/**
 * Publishes task changes and cancellations on Redis pub/sub. Best effort by design: a lost message only
 * delays things, because the worker's heartbeat notices cancellations and SSE streams re-read the row.
 */
@Injectable()
export class TaskSignals {
  private readonly logger = new Logger('TaskSignals');

  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async changed(taskId: string, change: TaskChangeMessage): Promise<void> {
    await this.publish(taskChannels.events(this.config.redis.keyPrefix, taskId), JSON.stringify(change));
  }

  async cancelRequested(taskId: string): Promise<void> {
    await this.publish(taskChannels.cancel(this.config.redis.keyPrefix), taskId);
  }

  private async publish(channel: string, message: string): Promise<void> {
    try {
      await this.redis.publish(channel, message);
    } catch (error) {
      this.logger.warn({ channel, err: (error as Error).message }, 'publish failed');
    }
  }
}
