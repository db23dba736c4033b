import { ThrottlerModule, type ThrottlerModuleOptions } from '@nestjs/throttler';
import { principalOf } from '../principal/request-principal';
import { CallerLimitsModule } from './caller-limits.module';
import { CallerLimitsService } from './caller-limits.service';
import { CallerRateStorage } from './caller-rate.storage';
import { MINUTE_MS } from './rate-windows';

/** @nestjs/throttler on the caller-rate storage: one per-minute window, each caller's own RPM. */
export const CallerThrottlerModule = ThrottlerModule.forRootAsync({
  imports: [CallerLimitsModule],
  inject: [CallerRateStorage, CallerLimitsService],
  useFactory: (storage: CallerRateStorage, limits: CallerLimitsService): ThrottlerModuleOptions => ({
    storage,
    throttlers: [
      {
        name: 'default',
        ttl: MINUTE_MS,
        blockDuration: 0,
        limit: (context) => limits.limitsFor(principalOf(context)).rpm,
      },
    ],
  }),
});
