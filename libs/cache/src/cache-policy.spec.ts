import { planCaching } from './cache-policy';

const config = { enabled: true, cacheStreams: false };

describe('planCaching', () => {
  it('caches deterministic requests (temperature 0): look up and store', () => {
    expect(planCaching({ temperature: 0 }, {}, config, false)).toEqual({ lookup: true, store: true });
  });

  it('leaves non-deterministic requests alone unless the caller opts in', () => {
    expect(planCaching({ temperature: 0.7 }, {}, config, false)).toEqual({ lookup: false, store: false });
    expect(planCaching({}, undefined, config, false)).toEqual({ lookup: false, store: false });
    expect(planCaching({ temperature: 1 }, { optIn: true }, config, false)).toEqual({
      lookup: true,
      store: true,
    });
  });

  it('no-cache skips the lookup, no-store the write', () => {
    expect(planCaching({ temperature: 0 }, { noCache: true }, config, false)).toEqual({
      lookup: false,
      store: true,
    });
    expect(planCaching({ temperature: 0 }, { noStore: true }, config, false)).toEqual({
      lookup: true,
      store: false,
    });
  });

  it('streams only when cacheStreams is on, and nothing when the cache is off', () => {
    expect(planCaching({ temperature: 0 }, {}, config, true)).toEqual({ lookup: false, store: false });
    expect(planCaching({ temperature: 0 }, {}, { ...config, cacheStreams: true }, true)).toEqual({
      lookup: true,
      store: true,
    });
    expect(planCaching({ temperature: 0 }, {}, { ...config, enabled: false }, false)).toEqual({
      lookup: false,
      store: false,
    });
  });
});
