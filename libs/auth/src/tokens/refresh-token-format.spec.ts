import { newRefreshToken, parseRefreshToken } from './refresh-token-format';

describe('refresh token format', () => {
  it('round-trips id and secret', () => {
    const issued = newRefreshToken();
    expect(issued.token).toMatch(/^mpbr_[0-9a-f-]{36}\.[A-Za-z0-9_-]{43}$/);
    expect(parseRefreshToken(issued.token)).toEqual({ id: issued.id, secret: issued.secret });
  });

  it('rejects anything else', () => {
    const { token } = newRefreshToken();
    for (const bad of ['', token.slice(0, -1), `${token}x`, token.replace('mpbr_', 'mpb_'), 'eyJ.a.b']) {
      expect(parseRefreshToken(bad)).toBeUndefined();
    }
  });
});
