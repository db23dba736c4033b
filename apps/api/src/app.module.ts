import { loggerParams } from '@app/common';
import { AppConfig, AppConfigModule } from '@app/config';
import { DatabaseModule } from '@app/database';
import { HealthModule } from '@app/health';
import { LlmModule } from '@app/llm';
import { RedisModule } from '@app/redis';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health/health.controller';
import { ProvidersController } from './providers/providers.controller';

@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRoot(loggerParams(config.logging.level)),
        DatabaseModule.forRoot(),
        RedisModule,
        HealthModule,
        LlmModule,
      ],
      controllers: [HealthController, ProvidersController],
    };
  }
}
