import { rateLimitHeaders } from './rate-limit-headers';

describe('rateLimitHeaders', () => {
  it('writes limit, remaining, reset (whole seconds, rounded up) and policy', () => {
    expect(rateLimitHeaders({ limit: 60, remaining: 12, resetMs: 41_200, windowSeconds: 60 })).toEqual({
      'ratelimit-limit': '60',
      'ratelimit-remaining': '12',
      'ratelimit-reset': '42',
      'ratelimit-policy': '60;w=60',
    });
  });

  it('never reports negative values', () => {
    expect(rateLimitHeaders({ limit: 5, remaining: -3, resetMs: -10, windowSeconds: 60 })).toMatchObject({
      'ratelimit-remaining': '0',
      'ratelimit-reset': '0',
    });
  });
});
