import type { MigrationInterface } from 'typeorm';
import { Auth1795388737309 } from './1795388737309-auth';
import { Tasks1795392000000 } from './1795392000000-tasks';
import { Analytics1795395000000 } from './1795395000000-analytics';

/** Every migration, in order. New ones are appended here (no glob loading: works the same in tests and dist). */
export const MIGRATIONS: (new () => MigrationInterface)[] = [
  Auth1795388737309,
  Tasks1795392000000,
  Analytics1795395000000,
];
