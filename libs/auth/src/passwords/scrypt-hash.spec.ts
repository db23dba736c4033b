import { hashPassword, parseStoredHash, verifyPassword, type ScryptParams } from './scrypt-hash';

const FAST: ScryptParams = { logN: 10, blockSize: 8, parallelization: 1 };

describe('scrypt password hashing', () => {
  it('stores the parameters, a random salt and the derived key, never the password', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    expect(stored).toMatch(/^scrypt\$ln=10,r=8,p=1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(stored).not.toContain('correct horse');
    const parsed = parseStoredHash(stored);
    expect(parsed?.salt).toHaveLength(16);
    expect(parsed?.key).toHaveLength(32);
    expect(await hashPassword('correct horse battery', FAST)).not.toBe(stored);
  });

  it('uses the memory-hard defaults (N = 2^15, r = 8, p = 1)', async () => {
    expect(await hashPassword('a long enough password')).toMatch(/^scrypt\$ln=15,r=8,p=1\$/);
  });

  it('verifies the right password and rejects a wrong one', async () => {
    const stored = await hashPassword('correct horse battery', FAST);
    await expect(verifyPassword('correct horse battery', stored)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterx', stored)).resolves.toBe(false);
    await expect(verifyPassword('', stored)).resolves.toBe(false);
  });

  it('treats composed and decomposed Unicode as the same password', async () => {
    const stored = await hashPassword('caf\u00e9 au lait!', FAST);
    await expect(verifyPassword('cafe\u0301 au lait!', stored)).resolves.toBe(true);
  });

  it('rejects malformed or hostile stored values without throwing', async () => {
    for (const stored of [
      '',
      'plain-text-password',
      'scrypt$ln=15,r=8,p=1$short$short',
      'scrypt$ln=30,r=8,p=1$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U=',
      'bcrypt$2b$12$abcdefghijklmnopqrstuv',
    ]) {
      await expect(verifyPassword('anything', stored)).resolves.toBe(false);
    }
  });
});
