/** Which process records: events from a worker are tasks. */
export const ANALYTICS_ORIGIN = Symbol('ANALYTICS_ORIGIN');
export type AnalyticsOrigin = 'api' | 'worker';
