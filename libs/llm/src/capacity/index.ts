export * from './capacity-window';
export * from './memory-capacity-limiter';
export * from './redis-capacity-limiter';
export * from './throttled-warning';
