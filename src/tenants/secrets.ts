// Client secrets: generated like Entra's (40 characters, `xxxNQ~…`), shown once, stored as a salted scrypt hash,
// verified in constant time.
import { randomBytes, randomInt, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** Characters Entra uses in client secrets. */
const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.~-';
const SECRET_LENGTH = 40;

/** scrypt cost: N=2^14, r=8, p=1 (Node's defaults, 16 MiB, tens of ms), 32-byte key, 16-byte salt. */
const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

function randomFrom(alphabet: string, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/**
 * A new secret in Entra's format: three characters (the `hint`), a digit, `Q~`, then 34 characters; 40 in all.
 * About 200 bits of randomness.
 */
export function generateClientSecret(): string {
  const secret = randomFrom(SECRET_ALPHABET, 3) + String(randomInt(10)) + 'Q~' + randomFrom(SECRET_ALPHABET, SECRET_LENGTH - 6);
  return secret;
}

/** The first three characters, which Entra shows as the secret's `hint`. */
export function secretHint(secret: string): string {
  return secret.slice(0, 3);
}

function scrypt(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** `scrypt$N=16384,r=8,p=1$<salt base64url>$<hash base64url>`: self-describing, so the cost can change later. */
export async function hashClientSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_LENGTH);
  const key = await scrypt(secret, salt, KEY_LENGTH, { ...SCRYPT_PARAMS, maxmem: 64 * 1024 * 1024 });
  const { N, r, p } = SCRYPT_PARAMS;
  return `scrypt$N=${N},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** True when `secret` hashes to `encoded`. Compares in constant time; false (not an error) for a malformed hash. */
export async function verifyClientSecret(secret: string, encoded: string): Promise<boolean> {
  const m = /^scrypt\$N=(\d+),r=(\d+),p=(\d+)\$([A-Za-z0-9_-]+)\$([A-Za-z0-9_-]+)$/.exec(encoded);
  if (!m) return false;
  const [, n, r, p, saltText, hashText] = m;
  const expected = Buffer.from(hashText ?? '', 'base64url');
  if (expected.length === 0) return false;
  const actual = await scrypt(secret, Buffer.from(saltText ?? '', 'base64url'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 256 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}
