export * from './chat-context';
export * from './chat-observers';
export * from './chat-result';
export * from './chat.module';
export * from './chat.service';
export * from './token-budget';
