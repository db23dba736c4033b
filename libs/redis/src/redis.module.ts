import { AppConfig, isEmbedded } from '@app/config';
import { Global, Inject, Injectable, Module, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { absentRedis } from './absent-redis';
import { InProcessMessageBus } from './pubsub/in-process-message-bus';
import { MESSAGE_BUS, type MessageBus } from './pubsub/message-bus';
import { RedisMessageBus } from './pubsub/redis-message-bus';
import { createRedisClient } from './redis-client.factory';

export const REDIS_CLIENT = Symbol('REDIS_CLIENT');

@Injectable()
class RedisShutdown implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS_CLIENT) private readonly redis: Redis,
    @Inject(MESSAGE_BUS) private readonly bus: MessageBus,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    if (this.redis.status === 'end') return;
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}

/**
 * The shared Redis connection for the request path (`@Inject(REDIS_CLIENT)`) and the message bus
 * (`@Inject(MESSAGE_BUS)`). In embedded mode there is no Redis: the client refuses every call and the bus
 * stays inside the process.
 */
@Global()
@Module({
  providers: [
    {
      provide: REDIS_CLIENT,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        isEmbedded(config) ? absentRedis() : createRedisClient(config.redis),
    },
    {
      provide: MESSAGE_BUS,
      inject: [AppConfig, REDIS_CLIENT],
      useFactory: (config: AppConfig, redis: Redis): MessageBus =>
        isEmbedded(config) ? new InProcessMessageBus() : new RedisMessageBus(redis, config.redis),
    },
    RedisShutdown,
  ],
  exports: [REDIS_CLIENT, MESSAGE_BUS],
})
export class RedisModule {}
