import { AppConfig } from '@app/config';
import { MESSAGE_BUS, type MessageBus } from '@app/redis';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { taskChannels, type TaskChangeMessage } from './task-channels';

/**
 * Publishes task changes and cancellations on the message bus (Redis pub/sub in full mode). Best effort by design: a lost message only
 * delays things, because the worker's heartbeat notices cancellations and SSE streams re-read the row.
 */
@Injectable()
export class TaskSignals {
  private readonly logger = new Logger('TaskSignals');

  constructor(
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
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
      await this.bus.publish(channel, message);
    } catch (error) {
      this.logger.warn({ channel, err: (error as Error).message }, 'publish failed');
    }
  }
}
