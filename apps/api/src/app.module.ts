import { loggerParams } from '@app/common';
import { AppConfig, AppConfigModule, configuredSecrets } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { LlmModule } from '@app/llm';
import { RedisModule } from '@app/redis';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AdminApiModule } from './admin/admin-api.module';
import { AnalyticsApiModule } from './analytics/analytics-api.module';
import { AuthApiModule } from './auth/auth-api.module';
import { ChatApiModule } from './chat/chat-api.module';
import { HealthController } from './health/health.controller';
import { ProvidersController } from './providers/providers.controller';
import { ApiDrainModule } from './shutdown/api-drain';
import { TasksApiModule } from './tasks/tasks-api.module';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config.logging.level, configuredSecrets(config))),
        DatabaseModule.forRoot(),
        RedisModule,
        HealthModule,
        ApiDrainModule,
        AuthApiModule,
        LlmModule,
        ChatApiModule,
        AnalyticsApiModule,
        TasksApiModule,
        AdminApiModule,
      ],
      controllers: [HealthController, ProvidersController],
    };
  }
}
