import { redactSecrets } from './redact-secrets';

describe('redactSecrets', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-AbCdEf1234567890xyz.', 'sk-proj-AbCdEf'],
    ['authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payload.sig', 'eyJhbGciOi'],
    ['The security token included in the request is invalid: AKIAIOSFODNN7EXAMPLE', 'AKIAIOSFODNN7EXAMPLE'],
    ['GET https://x.example/v1?api-key=abc123secret&foo=1 failed', 'abc123secret'],
    ['x-api-key: "s3cr3t-value"', 's3cr3t-value'],
    ['opaque 4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a', '4f9a8b7c6d5e'],
  ])('removes the credential from %j', (message, secret) => {
    const redacted = redactSecrets(message);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[redacted]');
  });

  it('keeps ordinary messages and truncates long ones', () => {
    expect(redactSecrets('503 Service Unavailable: model overloaded')).toBe(
      '503 Service Unavailable: model overloaded',
    );
    expect(redactSecrets('x '.repeat(500)).length).toBeLessThanOrEqual(301);
  });
});
