export * from './candidate-strategy';
export * from './least-busy.strategy';
export * from './least-latency.strategy';
export * from './priority.strategy';
export * from './random.strategy';
export * from './round-robin.strategy';
export * from './strategy-registry';
export * from './weighted.strategy';
