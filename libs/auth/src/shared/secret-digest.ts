import { createHash, hash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Refresh tokens and API keys carry 256 random bits, so a plain SHA-256 is a sound way to store them
 * (no KDF needed: there is nothing to brute-force) and cheap enough for the request path.
 */
export function sha256Hex(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** The same digest as bytes, in one call (the request path checks an API key's on every request). */
export function sha256Bytes(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/** Compares a digest with a stored one in constant time (false when the lengths differ). */
export function digestBytesEqual(digest: Buffer, stored: Buffer): boolean {
  return digest.length === stored.length && stored.length > 0 && timingSafeEqual(digest, stored);
}

export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/** Compares two hex digests in constant time (false when the lengths differ). */
export function digestsEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && left.length > 0 && timingSafeEqual(left, right);
}
