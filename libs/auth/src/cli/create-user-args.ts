import { parseArgs } from 'node:util';
import { isRole, type Role } from '../principal/principal';

export const CREATE_USER_USAGE = [
  'usage: npm run user:create -- --email <email> [--role user|admin] [--password-stdin]',
  '  the password is read from stdin with --password-stdin, otherwise from MPB_USER_PASSWORD;',
  '  it is never taken as an argument (arguments end up in shell history and process lists)',
].join('\n');

export interface CreateUserArgs {
  email: string;
  role: Role;
  passwordFromStdin: boolean;
}

/** Parsed arguments, or the reason they are unusable (never echoing a value: one may be a password). */
export function parseCreateUserArgs(argv: readonly string[]): CreateUserArgs | { error: string } {
  if (argv.some((arg) => arg === '--password' || arg.startsWith('--password='))) {
    return { error: '--password is not accepted: use --password-stdin or MPB_USER_PASSWORD' };
  }
  let values: { email?: string; role?: string; 'password-stdin'?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        email: { type: 'string' },
        role: { type: 'string', default: 'user' },
        'password-stdin': { type: 'boolean', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch {
    return { error: 'unrecognised or incomplete arguments' };
  }
  if (!values.email) return { error: '--email is required' };
  if (!isRole(values.role)) return { error: '--role must be user or admin' };
  return { email: values.email, role: values.role, passwordFromStdin: values['password-stdin'] === true };
}

/** A password piped in (`echo … |`, a file) ends with one newline that is not part of it. */
export function passwordFromStdinText(text: string): string {
  return text.replace(/\r?\n$/, '');
}
