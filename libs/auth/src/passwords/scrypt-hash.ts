import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Password hashing with scrypt (memory-hard; node:crypto, no native add-on).
 *
 * Defaults: N = 2^15, r = 8, p = 1 (128·N·r = 32 MiB of memory and ~50-100 ms of one core per hash),
 * a 16-byte random salt and a 32-byte derived key: OWASP's scrypt recommendation for interactive logins.
 * The parameters are stored with every hash, so raising them later keeps old hashes verifiable.
 *
 * Stored form: `scrypt$ln=15,r=8,p=1$<salt base64>$<key base64>`.
 */
export interface ScryptParams {
  /** log2 of the CPU/memory cost N */
  logN: number;
  blockSize: number;
  parallelization: number;
}

export const DEFAULT_SCRYPT_PARAMS: ScryptParams = { logN: 15, blockSize: 8, parallelization: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Refuse stored parameters beyond this (a corrupt row must not make one verify take a gigabyte). */
const MAX_LOG_N = 20;
const STORED =
  /^scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export async function hashPassword(
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, params);
  const encoded = `ln=${params.logN},r=${params.blockSize},p=${params.parallelization}`;
  return `scrypt$${encoded}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Constant-time comparison; false for a wrong password and for anything that is not a hash of ours. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseStoredHash(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(actual, parsed.key);
}

export function parseStoredHash(
  stored: string,
): { params: ScryptParams; salt: Buffer; key: Buffer } | undefined {
  const match = STORED.exec(stored);
  if (!match) return undefined;
  const params = { logN: Number(match[1]), blockSize: Number(match[2]), parallelization: Number(match[3]) };
  if (params.logN < 1 || params.logN > MAX_LOG_N || params.blockSize < 1 || params.parallelization < 1) {
    return undefined;
  }
  const salt = Buffer.from(match[4], 'base64');
  const key = Buffer.from(match[5], 'base64');
  if (salt.length < 8 || key.length < 16) return undefined;
  return { params, salt, key };
}

function derive(password: string, salt: Buffer, length: number, params: ScryptParams): Promise<Buffer> {
  const N = 2 ** params.logN;
  const options: ScryptOptions = {
    N,
    r: params.blockSize,
    p: params.parallelization,
    // scrypt needs 128·N·r bytes; Node's default cap (32 MiB) is exactly the default cost, so give room.
    maxmem: 256 * N * params.blockSize,
  };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFC'), salt, length, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}
