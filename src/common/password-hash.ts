import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/*
 * Institution passwords are stored only as salted scrypt hashes (docs/protocol.md §3), in
 * a self-describing string so the cost can be raised later without breaking
 * hashes already pasted into operators' config files:
 *
 *   scrypt$<N>$<r>$<p>$<saltBase64>$<hashBase64>
 */

const SCHEME = 'scrypt';
const DEFAULT_N = 16384;
const DEFAULT_R = 8;
const DEFAULT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

/*
 * Limits on parameters read back from a hash. They bound the memory and CPU a
 * hash string can make us spend (a hostile or fat-fingered config must not
 * stall start-up or every login), while leaving room to raise N to 2^17.
 * scrypt needs about 128·N·r bytes, so N·r ≤ 2^20 caps it at 128 MiB.
 */
const MAX_N_TIMES_R = 2 ** 20;
const MAX_P = 16;
const MIN_SALT_BYTES = 8;
const MIN_KEY_BYTES = 16;
const MAX_KEY_BYTES = 128;
/** Node's default maxmem (32 MiB) is below what N = 2^17, r = 8 needs. */
const SCRYPT_MAXMEM = 128 * MAX_N_TIMES_R + 16 * 1024 * 1024;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const DECIMAL = /^[1-9][0-9]{0,9}$/;

interface ScryptHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

/**
 * Hashes a password with scrypt (N=16384, r=8, p=1, 16-byte random salt,
 * 32-byte key) and returns `scrypt$N$r$p$saltBase64$hashBase64`.
 */
export async function hashPassword(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(plain, salt, KEY_BYTES, DEFAULT_N, DEFAULT_R, DEFAULT_P);
  return [SCHEME, DEFAULT_N, DEFAULT_R, DEFAULT_P, salt.toString('base64'), key.toString('base64')].join('$');
}

/**
 * Checks `candidate` against a hash made by {@link hashPassword} (or any hash
 * in the same format within the parameter limits), comparing in constant
 * time. A malformed hash gives `false`, never an exception, so a bad stored
 * value reads as "wrong password" rather than a 500.
 */
export async function verifyPasswordHash(hash: string, candidate: string): Promise<boolean> {
  const parsed = parsePasswordHash(hash);
  if (!parsed || typeof candidate !== 'string') return false;
  const { N, r, p, salt, key } = parsed;
  try {
    const derived = await deriveKey(candidate, salt, key.length, N, r, p);
    return timingSafeEqual(derived, key);
  } catch {
    return false;
  }
}

/** True when `s` is a well-formed `scrypt$N$r$p$salt$hash` string within our limits. */
export function isPasswordHash(s: unknown): s is string {
  return parsePasswordHash(s) !== undefined;
}

function parsePasswordHash(s: unknown): ScryptHash | undefined {
  if (typeof s !== 'string') return undefined;
  const parts = s.split('$');
  if (parts.length !== 6 || parts[0] !== SCHEME) return undefined;
  const [, nText, rText, pText, saltText, keyText] = parts;
  if (![nText, rText, pText].every((t) => DECIMAL.test(t))) return undefined;
  const N = Number(nText);
  const r = Number(rText);
  const p = Number(pText);
  // scrypt requires N to be a power of two greater than 1.
  if (N < 2 || (N & (N - 1)) !== 0 || N * r > MAX_N_TIMES_R || p > MAX_P) return undefined;
  if (!BASE64.test(saltText) || !BASE64.test(keyText)) return undefined;
  const salt = Buffer.from(saltText, 'base64');
  const key = Buffer.from(keyText, 'base64');
  if (salt.length < MIN_SALT_BYTES) return undefined;
  if (key.length < MIN_KEY_BYTES || key.length > MAX_KEY_BYTES) return undefined;
  return { N, r, p, salt, key };
}

function deriveKey(plain: string, salt: Buffer, keyLength: number, N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(plain, salt, keyLength, { N, r, p, maxmem: SCRYPT_MAXMEM }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}
