import { randomBytes } from 'node:crypto';
import { randomSecret } from '../shared/secret-digest';

/**
 * `mpb_<prefix>_<secret>`: a 12-hex-digit prefix (stored in the clear, unique, shown in lists and used
 * to find the row) and a 256-bit secret. Only the SHA-256 of the whole key is stored.
 */
export const API_KEY_MARKER = 'mpb_';
const FORMAT = /^mpb_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

export interface ApiKeyParts {
  prefix: string;
  secret: string;
}

export function newApiKey(): ApiKeyParts & { key: string } {
  const prefix = randomBytes(6).toString('hex');
  const secret = randomSecret();
  return { prefix, secret, key: `${API_KEY_MARKER}${prefix}_${secret}` };
}

export function parseApiKey(key: string): ApiKeyParts | undefined {
  const match = FORMAT.exec(key);
  return match ? { prefix: match[1], secret: match[2] } : undefined;
}

export function looksLikeApiKey(credential: string): boolean {
  return credential.startsWith(API_KEY_MARKER);
}
