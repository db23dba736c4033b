export * from './cache-key';
export * from './cache-policy';
export * from './cache.module';
export * from './cached-completion';
export * from './canonical-json';
export * from './memory-response-store';
export * from './response-cache';
