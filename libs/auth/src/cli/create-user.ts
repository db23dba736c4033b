import 'reflect-metadata';
import { DomainException } from '@app/common';
import { ConfigValidationError, loadConfig } from '@app/config';
import { typeormOptions, withConfiguredDatabase } from '@app/database';
import { DataSource } from 'typeorm';
import { AUTH_ENTITIES } from '../auth.entities';
import { User } from '../users/user.entity';
import { insertUser } from '../users/user-records';
import { CREATE_USER_USAGE, parseCreateUserArgs, passwordFromStdinText } from './create-user-args';

/**
 * `npm run user:create -- --email a@b.c --role admin [--password-stdin]`: creates a user with the
 * gateway's own config (applying pending migrations first when database.migrationsRun is on).
 */
async function main(): Promise<number> {
  const args = parseCreateUserArgs(process.argv.slice(2));
  if ('error' in args) return fail(`${args.error}\n${CREATE_USER_USAGE}`);
  const password = args.passwordFromStdin
    ? passwordFromStdinText(await readStdin())
    : process.env.MPB_USER_PASSWORD;
  if (!password) return fail(`no password given\n${CREATE_USER_USAGE}`);

  const config = loadConfig();
  return withConfiguredDatabase(config, async (database) => {
    const dataSource = new DataSource({ ...typeormOptions(database), entities: AUTH_ENTITIES });
    await dataSource.initialize();
    try {
      if (database.migrationsRun) await dataSource.runMigrations({ transaction: 'each' });
      const user = await insertUser(dataSource.getRepository(User), {
        email: args.email,
        password,
        role: args.role,
      });
      if (user === 'duplicate') return fail(`a user with email ${args.email} already exists`);
      process.stdout.write(`created ${user.role} ${user.email} (id ${user.id})\n`);
      return 0;
    } finally {
      await dataSource.destroy();
    }
  });
}

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk: string) => (text += chunk));
    process.stdin.once('end', () => resolve(text));
    process.stdin.once('error', reject);
  });
}

function fail(message: string): number {
  process.stderr.write(`user:create: ${message}\n`);
  return 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message =
      error instanceof ConfigValidationError || error instanceof DomainException
        ? error.message
        : error instanceof Error
          ? error.message
          : String(error);
    process.exit(fail(message));
  },
);
