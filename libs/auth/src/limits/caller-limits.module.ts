import { REDIS_CLIENT } from '@app/redis';
import { Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { CallerLimitsService } from './caller-limits.service';
import { RedisThrottlerStorage } from './redis-throttler.storage';

/** Token budgets and the Redis throttler storage, without guards: importable by the worker too. */
@Module({
  providers: [
    {
      provide: RedisThrottlerStorage,
      inject: [REDIS_CLIENT],
      useFactory: (redis: Redis) => new RedisThrottlerStorage(redis),
    },
    CallerLimitsService,
  ],
  exports: [RedisThrottlerStorage, CallerLimitsService],
})
export class CallerLimitsModule {}
