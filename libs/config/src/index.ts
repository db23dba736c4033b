export * from './schema';
export * from './config-loader';
export * from './config.module';
export * from './secrets';
