/** Injection tokens for the gates the router consults (interfaces, so they need tokens). */
export const CIRCUIT_BREAKER = Symbol('CIRCUIT_BREAKER');
export const CAPACITY_LIMITER = Symbol('CAPACITY_LIMITER');
