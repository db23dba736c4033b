import { bearerCredential } from './bearer-credential';

describe('bearerCredential', () => {
  it('takes the credential of a Bearer header, any case', () => {
    expect(bearerCredential('Bearer abc.def.ghi')).toBe('abc.def.ghi');
    expect(bearerCredential('bearer mpb_0123456789ab_x-y_z')).toBe('mpb_0123456789ab_x-y_z');
    expect(bearerCredential('Bearer  tok ')).toBe('tok');
  });

  it('ignores other schemes, empty or repeated headers, and junk', () => {
    for (const header of [
      undefined,
      '',
      'Bearer',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      'Bearer a b',
      'Token abc',
    ]) {
      expect(bearerCredential(header)).toBeUndefined();
    }
    expect(bearerCredential(['Bearer a', 'Bearer b'])).toBeUndefined();
    expect(bearerCredential(`Bearer ${'a'.repeat(9_000)}`)).toBeUndefined();
  });
});
