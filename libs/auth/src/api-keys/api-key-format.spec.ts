import { looksLikeApiKey, newApiKey, parseApiKey } from './api-key-format';

describe('API key format', () => {
  it('makes mpb_<12 hex>_<43 url-safe chars> keys that parse back', () => {
    const issued = newApiKey();
    expect(issued.key).toMatch(/^mpb_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(parseApiKey(issued.key)).toEqual({ prefix: issued.prefix, secret: issued.secret });
    expect(looksLikeApiKey(issued.key)).toBe(true);
  });

  it('parses a secret that itself contains underscores', () => {
    const key = `mpb_0123456789ab_${'_'.repeat(10)}${'a'.repeat(33)}`;
    expect(parseApiKey(key)).toEqual({
      prefix: '0123456789ab',
      secret: `${'_'.repeat(10)}${'a'.repeat(33)}`,
    });
  });

  it('rejects malformed keys and tells JWTs apart', () => {
    const { key } = newApiKey();
    for (const bad of ['', key.slice(0, -1), `${key}A`, key.replace('mpb_', 'mpx_'), 'mpb_XYZ_abc']) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
    expect(looksLikeApiKey('eyJhbGciOiJIUzI1NiJ9.e30.sig')).toBe(false);
  });
});
