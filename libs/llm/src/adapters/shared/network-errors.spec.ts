import { isConnectionFailure, isParseFailure, isTimeoutFailure } from './network-errors';

const withCode = (message: string, code: string, name = 'Error') =>
  Object.assign(new Error(message), { code, name });

describe('network error classification', () => {
  it('finds socket failures by code or message anywhere in the cause chain', () => {
    expect(isConnectionFailure(withCode('read ECONNRESET', 'ECONNRESET'))).toBe(true);
    expect(
      isConnectionFailure(
        new TypeError('fetch failed', { cause: withCode('connect failed', 'ECONNREFUSED') }),
      ),
    ).toBe(true);
    expect(
      isConnectionFailure(
        new TypeError('terminated', { cause: withCode('other side closed', 'UND_ERR_SOCKET') }),
      ),
    ).toBe(true);
    expect(isConnectionFailure(new Error('AWS SDK error wrapper for TimeoutError: socket hang up'))).toBe(
      true,
    );
    expect(isConnectionFailure(new Error('Unexpected token'))).toBe(false);
    expect(isConnectionFailure('ECONNRESET')).toBe(false);
  });

  it('accepts error-shaped objects from another realm', () => {
    expect(isConnectionFailure({ name: 'TypeError', message: 'terminated' })).toBe(true);
    expect(isParseFailure({ name: 'SyntaxError', message: 'Unexpected end of JSON input' })).toBe(true);
  });

  it('tells deadlines from resets that Node also names TimeoutError', () => {
    expect(isTimeoutFailure(withCode('request timeout', 'ETIMEDOUT', 'TimeoutError'))).toBe(true);
    expect(isTimeoutFailure(Object.assign(new Error('socket idle'), { name: 'TimeoutError' }))).toBe(true);
    expect(
      isTimeoutFailure(
        new TypeError('fetch failed', { cause: withCode('connect timeout', 'UND_ERR_CONNECT_TIMEOUT') }),
      ),
    ).toBe(true);
    expect(isTimeoutFailure(withCode('socket hang up', 'ECONNRESET', 'TimeoutError'))).toBe(false);
    expect(isTimeoutFailure(new Error('nope'))).toBe(false);
  });

  it('does not loop on a cyclic cause chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    Object.assign(a, { cause: b });
    expect(isConnectionFailure(a)).toBe(false);
  });
});
