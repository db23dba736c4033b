import { ConfigValidationError, loadConfig } from '@app/config';
import { withConfiguredDatabase } from './embedded/with-configured-database';
import { runMigrations } from './run-migrations';

/** `npm run migrate`: applies pending migrations with the same config the gateway uses. */
async function main(): Promise<void> {
  const config = loadConfig();
  const applied = await withConfiguredDatabase(config, (database) => runMigrations(database));
  process.stdout.write(
    applied.length
      ? `Applied ${applied.length} migration(s): ${applied.join(', ')}\n`
      : 'Database schema is up to date\n',
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigValidationError ? error.message : String(error)}\n`);
  process.exit(1);
});
