import { isDependencyOutage } from './dependency-outage';
import { mapError } from './error-mapping';

/** What pg and TypeORM throw when PostgreSQL is away, as seen in the resilience suite's logs. */
function refused(): Error {
  return Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
    errno: -111,
    code: 'ECONNREFUSED',
    syscall: 'connect',
  });
}

function queryFailed(driverError: Error): Error {
  return Object.assign(new Error(driverError.message), { name: 'QueryFailedError', driverError });
}

describe('isDependencyOutage', () => {
  it('recognises a refused or dropped connection, directly or wrapped by TypeORM', () => {
    expect(isDependencyOutage(refused())).toBe(true);
    expect(isDependencyOutage(queryFailed(new Error('Connection terminated unexpectedly')))).toBe(true);
    expect(isDependencyOutage(new Error('timeout exceeded when trying to connect'))).toBe(true);
    expect(isDependencyOutage(new Error('Connection is closed.'))).toBe(true);
    expect(isDependencyOutage(queryFailed(new Error('Query read timeout')))).toBe(true);
  });

  it('recognises the SQLSTATEs of a server shutting down, starting up or full', () => {
    for (const code of ['57P01', '57P03', '08006', '53300']) {
      const driverError = Object.assign(new Error('terminating connection'), { code });
      expect(isDependencyOutage(queryFailed(driverError))).toBe(true);
    }
  });

  it('leaves real bugs alone: a bad query, a constraint, anything else', () => {
    for (const code of ['42601', '23505', '22P02']) {
      expect(isDependencyOutage(queryFailed(Object.assign(new Error('bad'), { code })))).toBe(false);
    }
    expect(isDependencyOutage(new Error('Cannot read properties of undefined'))).toBe(false);
    expect(isDependencyOutage(undefined)).toBe(false);
  });
});

describe('mapError on a dependency outage', () => {
  it('is a 503 the client may retry, logged as ours, with no driver detail in the message', () => {
    expect(mapError(refused())).toEqual({
      status: 503,
      code: 'service_unavailable',
      message: 'A backing service is temporarily unavailable; retry shortly',
      retryAfterMs: 2_000,
      unexpected: true,
    });
  });
});
