import type { AppConfig } from './schema';

/** Shorter values ("none", placeholders) are no credential, and redacting them would mangle every line. */
const MIN_SECRET_LENGTH = 8;

function urlPassword(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every credential the configuration holds, by value: JWT and webhook signing keys, the bootstrap admin
 * password, each deployment's keys, database and Redis passwords. The logger removes them from every
 * line whatever carries them (a vendor error echoing our key, a driver error quoting a URL).
 */
export function configuredSecrets(config: AppConfig): string[] {
  const values = [
    config.auth.jwtSecret,
    config.auth.bootstrapAdminPassword,
    config.tasks.webhooks.signingKey,
    urlPassword(config.database.url),
    urlPassword(config.redis.url),
    ...config.providers.flatMap((p) => [p.apiKey, p.secretAccessKey, p.sessionToken]),
  ];
  return [
    ...new Set(values.filter((v): v is string => typeof v === 'string' && v.length >= MIN_SECRET_LENGTH)),
  ];
}
