export * from './core';
export * from './router';
export * from './capacity';
export * from './health';
export * from './registry/provider-registry';
export * from './nest/llm.module';
export * from './nest/llm.tokens';
export * from './nest/provider-status.service';
