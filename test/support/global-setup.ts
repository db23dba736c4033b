import { startHermeticServices } from './hermetic-services';

export default async function globalSetup(): Promise<void> {
  const state = await startHermeticServices();
  // Test workers are forked after this and inherit these variables.
  process.env.TEST_DATABASE_URL = state.databaseUrl;
  process.env.TEST_REDIS_URL = state.redisUrl;
}
