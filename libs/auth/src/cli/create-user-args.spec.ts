import { parseCreateUserArgs, passwordFromStdinText } from './create-user-args';

describe('user:create arguments', () => {
  it('parses email, role (default user) and --password-stdin', () => {
    expect(parseCreateUserArgs(['--email', 'a@b.c'])).toEqual({
      email: 'a@b.c',
      role: 'user',
      passwordFromStdin: false,
    });
    expect(parseCreateUserArgs(['--email=a@b.c', '--role', 'admin', '--password-stdin'])).toEqual({
      email: 'a@b.c',
      role: 'admin',
      passwordFromStdin: true,
    });
  });

  it('refuses a password argument without repeating it', () => {
    for (const argv of [
      ['--email', 'a@b.c', '--password', 'hunter2-hunter2'],
      ['--email', 'a@b.c', '--password=hunter2-hunter2'],
      ['--email', 'a@b.c', '--pass=hunter2-hunter2'],
      ['--email', 'a@b.c', 'hunter2-hunter2'],
    ]) {
      const parsed = parseCreateUserArgs(argv);
      expect(parsed).toEqual({ error: expect.any(String) });
      expect(JSON.stringify(parsed)).not.toContain('hunter2');
    }
  });

  it('requires an email and a known role', () => {
    expect(parseCreateUserArgs([])).toEqual({ error: '--email is required' });
    expect(parseCreateUserArgs(['--email', 'a@b.c', '--role', 'root'])).toEqual({
      error: '--role must be user or admin',
    });
  });

  it('drops the one trailing newline of piped input', () => {
    expect(passwordFromStdinText('secret-value\n')).toBe('secret-value');
    expect(passwordFromStdinText('secret-value\r\n')).toBe('secret-value');
    expect(passwordFromStdinText('secret value \n\n')).toBe('secret value \n');
  });
});
