import { loggerParams } from '@app/common';
import { AppConfig, AppConfigModule, configuredSecrets, isEmbedded } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { LlmModule } from '@app/llm';
import { RedisModule } from '@app/redis';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AnalyticsWorkerModule } from './analytics/analytics-worker.module';
import { TaskProcessorsModule } from './processors/task-processors.module';
import { WorkerHealthServer } from './worker-health.server';

/** The worker process: no HTTP API, only queue processors (registered here, never in the api). */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config.logging.level, configuredSecrets(config))),
        DatabaseModule.forRoot(),
        RedisModule,
        HealthModule,
        LlmModule,
        AnalyticsWorkerModule,
        TaskProcessorsModule,
      ],
      // Embedded mode runs the worker inside the api process, whose /health answers for both.
      providers: isEmbedded(config) ? [] : [WorkerHealthServer],
    };
  }
}
