import type { MigrationInterface } from 'typeorm';

/** Every migration, in order. New ones are appended here (no glob loading: works the same in tests and dist). */
export const MIGRATIONS: (new () => MigrationInterface)[] = [];
