export * from './redis-client.factory';
export * from './redis.module';
export * from './lua-script';
