import type { DatabaseConfig } from '@app/config';
import { DataSource } from 'typeorm';
import { typeormOptions } from './typeorm-options';

/** Applies pending migrations and returns their names. */
export async function runMigrations(config: DatabaseConfig): Promise<string[]> {
  const dataSource = new DataSource(typeormOptions(config, { unboundedQueries: true }));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await dataSource.destroy();
  }
}
