import { Module } from '@nestjs/common';
import { ResponseCache } from './response-cache';

/** The response cache on the shared Redis connection (RedisModule and AppConfigModule are global). */
@Module({ providers: [ResponseCache], exports: [ResponseCache] })
export class CacheModule {}
