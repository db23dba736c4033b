import type { ExecutionContext } from '@nestjs/common';
import { RouteMetadataCache } from './route-metadata-cache';

class Base {
  handle(): void {}
}
class Child extends Base {}

function contextFor(controller: typeof Base): ExecutionContext {
  return {
    getHandler: () => Base.prototype.handle,
    getClass: () => controller,
  } as unknown as ExecutionContext;
}

describe('RouteMetadataCache', () => {
  it('reads each route once, telling apart controllers that share an inherited handler', () => {
    const read = jest.fn(([, controller]: [unknown, unknown]) => (controller === Child ? 'child' : 'base'));
    const cache = new RouteMetadataCache(read);
    expect(cache.for(contextFor(Base))).toBe('base');
    expect(cache.for(contextFor(Child))).toBe('child');
    expect(cache.for(contextFor(Base))).toBe('base');
    expect(cache.for(contextFor(Child))).toBe('child');
    expect(read).toHaveBeenCalledTimes(2);
  });
});
