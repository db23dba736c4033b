const instances = new Map<string, unknown>();

/**
 * One instance per process under `key`, made by `create` on first use. Embedded mode runs the api and
 * the worker as two Nest containers in one process: state that both must see (rate windows, token
 * budgets, the response cache, task signals) lives here instead of in Redis.
 */
export function processWide<T>(key: string, create: () => T): T {
  if (!instances.has(key)) instances.set(key, create());
  return instances.get(key) as T;
}

/** Forgets every process-wide instance (unit tests that need a fresh state). */
export function resetProcessWide(): void {
  instances.clear();
}
