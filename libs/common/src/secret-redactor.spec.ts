import { secretRedactor } from './logger';

describe('secretRedactor', () => {
  it('removes each secret from a finished log line, as written, JSON-escaped or URL-encoded', () => {
    const redact = secretRedactor(['sk-live-abcdefgh', 'pa"ss/word-123'])!;
    const line = JSON.stringify({
      msg: 'Incorrect API key provided: sk-live-abcdefgh',
      err: { stack: 'Error: 401 sk-live-abcdefgh\n at x' },
      url: `postgres://u:${encodeURIComponent('pa"ss/word-123')}@db/x`,
      quoted: 'pa"ss/word-123',
    });
    const out = redact(line);
    expect(out).not.toContain('sk-live-abcdefgh');
    expect(out).not.toContain('word-123');
    expect(JSON.parse(out)).toMatchObject({ msg: 'Incorrect API key provided: [redacted]' });
  });

  it('is no hook at all without secrets', () => {
    expect(secretRedactor([])).toBeUndefined();
  });
});
