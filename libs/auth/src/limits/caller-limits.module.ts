import { AppConfig } from '@app/config';
import { REDIS_CLIENT } from '@app/redis';
import { Module } from '@nestjs/common';
import { callerRateStorageFor, tokenUsageStoreFor } from './caller-limit-stores';
import { CallerLimitsService } from './caller-limits.service';
import { CallerRateStorage } from './caller-rate.storage';
import { TokenUsageStore } from './token-usage.store';

/**
 * Token budgets and the throttler storage (Redis, or memory in embedded mode), without guards:
 * importable by the worker too.
 */
@Module({
  providers: [
    { provide: TokenUsageStore, inject: [AppConfig, REDIS_CLIENT], useFactory: tokenUsageStoreFor },
    {
      provide: CallerRateStorage,
      inject: [AppConfig, REDIS_CLIENT, TokenUsageStore],
      useFactory: callerRateStorageFor,
    },
    CallerLimitsService,
  ],
  exports: [CallerRateStorage, CallerLimitsService],
})
export class CallerLimitsModule {}
