import { digestBytesEqual, digestsEqual, randomSecret, sha256Bytes, sha256Hex } from './secret-digest';

describe('secret digests', () => {
  it('hashes with SHA-256 (hex) and compares digests in constant time', () => {
    const digest = sha256Hex('abc');
    expect(digest).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(digestsEqual(digest, sha256Hex('abc'))).toBe(true);
    expect(digestsEqual(digest, sha256Hex('abd'))).toBe(false);
    expect(digestsEqual(digest, digest.slice(0, 10))).toBe(false);
    expect(digestsEqual('', '')).toBe(false);
  });

  it('gives the same digest as bytes, compared in constant time', () => {
    const digest = sha256Bytes('abc');
    expect(digest.toString('hex')).toBe(sha256Hex('abc'));
    expect(digestBytesEqual(digest, Buffer.from(sha256Hex('abc'), 'hex'))).toBe(true);
    expect(digestBytesEqual(digest, sha256Bytes('abd'))).toBe(false);
    expect(digestBytesEqual(digest, digest.subarray(0, 10))).toBe(false);
    expect(digestBytesEqual(Buffer.alloc(0), Buffer.alloc(0))).toBe(false);
  });

  it('makes url-safe random secrets of 256 bits', () => {
    const secret = randomSecret();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomSecret()).not.toBe(secret);
  });
});
