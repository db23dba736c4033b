export * from './capacity-window';
export * from './redis-capacity-limiter';
export * from './throttled-warning';
