import type { ExecutionContext } from '@nestjs/common';

export type RouteTargets = [
  handler: ReturnType<ExecutionContext['getHandler']>,
  controller: ReturnType<ExecutionContext['getClass']>,
];

/**
 * Route metadata (decorators) is fixed once the application has started, so a guard can read it once
 * per route instead of walking the prototype chains on every request. Keyed by handler and controller:
 * an inherited handler may serve controllers decorated differently.
 */
export class RouteMetadataCache<T> {
  private readonly byHandler = new WeakMap<object, WeakMap<object, T>>();

  constructor(private readonly read: (targets: RouteTargets) => T) {}

  for(context: ExecutionContext): T {
    const handler = context.getHandler();
    const controller = context.getClass();
    let byController = this.byHandler.get(handler);
    if (!byController) {
      byController = new WeakMap();
      this.byHandler.set(handler, byController);
    }
    let value = byController.get(controller);
    if (value === undefined) {
      value = this.read([handler, controller]);
      byController.set(controller, value);
    }
    return value;
  }
}
