export * from './deployment-stats';
export * from './health-monitor';
export * from './health-prober';
export * from './health-report';
export * from './health-state';
