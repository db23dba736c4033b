import { isPermanentWriteError } from './write-errors';

describe('isPermanentWriteError', () => {
  it('gives up on bad data and violated constraints only', () => {
    expect(isPermanentWriteError({ code: '22P02' })).toBe(true); // invalid text representation
    expect(isPermanentWriteError({ code: '23505' })).toBe(true);
    expect(isPermanentWriteError({ driverError: { code: '22003' } })).toBe(true); // wrapped by TypeORM
  });

  it('retries everything else', () => {
    expect(isPermanentWriteError({ code: 'ECONNREFUSED' })).toBe(false);
    expect(isPermanentWriteError({ code: '57P01' })).toBe(false); // admin shutdown
    expect(isPermanentWriteError({ code: '40P01' })).toBe(false); // deadlock
    expect(isPermanentWriteError({ code: '42P01' })).toBe(false); // table not there yet
    expect(isPermanentWriteError(new Error('Connection terminated unexpectedly'))).toBe(false);
    expect(isPermanentWriteError(undefined)).toBe(false);
  });
});
