export * from './error-codes';
export * from './domain-exception';
export * from './error-mapping';
export * from './all-exceptions.filter';
export * from './error-reply';
export * from './request-id';
export * from './logger';
export * from './graceful-shutdown';
