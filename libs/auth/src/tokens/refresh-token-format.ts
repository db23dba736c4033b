import { randomUUID } from 'node:crypto';
import { randomSecret } from '../shared/secret-digest';

/** `mpbr_<token id>.<secret>`: the id finds the row, the secret (256 random bits) proves possession. */
const FORMAT = /^mpbr_([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export interface RefreshTokenParts {
  id: string;
  secret: string;
}

export function newRefreshToken(): RefreshTokenParts & { token: string } {
  const id = randomUUID();
  const secret = randomSecret();
  return { id, secret, token: `mpbr_${id}.${secret}` };
}

export function parseRefreshToken(token: string): RefreshTokenParts | undefined {
  const match = FORMAT.exec(token);
  return match ? { id: match[1], secret: match[2] } : undefined;
}
