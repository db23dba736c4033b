export * from './database.module';
export * from './typeorm-options';
export * from './run-migrations';
export * from './embedded/embedded-postgres';
export * from './embedded/with-configured-database';
