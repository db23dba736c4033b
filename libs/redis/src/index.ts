export * from './redis-client.factory';
export * from './redis.module';
export * from './lua-script';
export * from './absent-redis';
export * from './queues/queue-connection';
export * from './pubsub/message-bus';
export * from './pubsub/redis-message-bus';
export * from './pubsub/in-process-message-bus';
