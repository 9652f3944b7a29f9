import { hashPassword, isPasswordHash, verifyPasswordHash } from '@app/common/password-hash';
import { randomBytes, scryptSync } from 'node:crypto';

describe('password hashes (docs/protocol.md §3: salted slow hashes, constant-time compare)', () => {
  it('produces scrypt$16384$8$1$salt$hash with a 16-byte salt and 32-byte key', async () => {
    const hash = await hashPassword('s3cret');
    const [scheme, n, r, p, salt, key] = hash.split('$');
    expect([scheme, n, r, p]).toEqual(['scrypt', '16384', '8', '1']);
    expect(Buffer.from(salt, 'base64')).toHaveLength(16);
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(isPasswordHash(hash)).toBe(true);
  });

  it('salts every hash, so the same password hashes differently', async () => {
    expect(await hashPassword('same')).not.toEqual(await hashPassword('same'));
  });

  it('round-trips: the right password verifies', async () => {
    const hash = await hashPassword('correct horse ✓');
    await expect(verifyPasswordHash(hash, 'correct horse ✓')).resolves.toBe(true);
  });

  it('rejects a wrong password', async () => {
    const hash = await hashPassword('right');
    await expect(verifyPasswordHash(hash, 'wrong')).resolves.toBe(false);
    await expect(verifyPasswordHash(hash, '')).resolves.toBe(false);
  });

  it('reads N, r, p from the hash, so stronger hashes (N = 2^17) still verify', async () => {
    const salt = randomBytes(16);
    const key = scryptSync('pw', salt, 32, { N: 2 ** 17, r: 8, p: 1, maxmem: 256 * 1024 * 1024 });
    const hash = `scrypt$131072$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
    expect(isPasswordHash(hash)).toBe(true);
    await expect(verifyPasswordHash(hash, 'pw')).resolves.toBe(true);
  });

  it.each([
    ['empty', ''],
    ['wrong scheme', 'bcrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['too few parts', 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA=='],
    ['N not a power of two', 'scrypt$1000$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['N too large', 'scrypt$4194304$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['non-numeric r', 'scrypt$16384$x$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['salt not base64', 'scrypt$16384$8$1$not*base64!$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
    ['key too short', 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'],
  ])('treats a malformed hash (%s) as not a hash and as a wrong password', async (_label, hash) => {
    expect(isPasswordHash(hash)).toBe(false);
    await expect(verifyPasswordHash(hash, 'anything')).resolves.toBe(false);
  });

  it('says non-strings are not hashes', () => {
    expect(isPasswordHash(undefined)).toBe(false);
    expect(isPasswordHash(42)).toBe(false);
  });
});
