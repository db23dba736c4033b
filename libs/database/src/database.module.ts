import { AppConfig } from '@app/config';
import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { typeormOptions } from './typeorm-options';

@Module({})
export class DatabaseModule {
  static forRoot(): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...typeormOptions(config.database),
            migrationsRun: config.database.migrationsRun,
            autoLoadEntities: true,
            // Start even when PostgreSQL is down: readiness reports it, and the pool reconnects by itself.
            retryAttempts: 0,
            manualInitialization: false,
          }),
        }),
      ],
      exports: [TypeOrmModule],
    };
  }
}
