// The key-encryption key (KEK): token signing private keys are stored encrypted with it (AES-256-GCM, node:crypto),
// never as plain PKCS#8. It comes from TARMAC_KEY_ENCRYPTION_KEY (32 bytes, base64 or hex) or the file
// TARMAC_KEY_ENCRYPTION_KEY_FILE (the same text). Only in the demo setup — SQLite in the data directory, with
// TARMAC_DEMO not false — may Tarmac make one itself: it writes <dataDir>/key-encryption.key (mode 0600) and says so
// in the log. Anywhere else (PostgreSQL, or TARMAC_DEMO=false) a server refuses to start without one.
//
// Stored form: `tarmac-kek-v1:<kek id>:<iv>:<tag>:<ciphertext>` (base64url), the signing key's kid as associated
// data (a ciphertext moved to another row does not decrypt). The kek id (8 hex characters of the KEK's SHA-256) lets
// a wrong key be named as such rather than as corrupt data.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const PREFIX = 'tarmac-kek-v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
/** The file the demo setup keeps its KEK in, inside the data directory. */
export const DEMO_KEK_FILE_NAME = 'key-encryption.key';

/** A KEK that cannot be used (missing where one is required, malformed, or not the one the keys were encrypted with). */
export class KeyEncryptionError extends Error {
  override readonly name = 'KeyEncryptionError';
}

export class KeyEncryptionKey {
  /** Names the key without revealing it (8 hex characters of its SHA-256). */
  readonly id: string;
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== KEY_BYTES) throw new KeyEncryptionError(`A key-encryption key is ${KEY_BYTES} bytes; got ${key.length}.`);
    this.#key = Buffer.from(key);
    this.id = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  static generate(): KeyEncryptionKey {
    return new KeyEncryptionKey(randomBytes(KEY_BYTES));
  }

  /** The key as TARMAC_KEY_ENCRYPTION_KEY reads it (base64). */
  toText(): string {
    return this.#key.toString('base64');
  }

  encrypt(kid: string, plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(kid, 'utf8'));
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString('base64url'));
    return [PREFIX, this.id, ...parts].join(':');
  }

  decrypt(kid: string, stored: string): string {
    const parts = stored.split(':');
    const [prefix, id, iv, tag, body] = parts;
    if (parts.length !== 5 || prefix !== PREFIX || iv === undefined || tag === undefined || body === undefined) {
      throw new KeyEncryptionError(`The private key of signing key ${kid} is not in the ${PREFIX} form.`);
    }
    if (id !== this.id) {
      throw new KeyEncryptionError(
        `Signing key ${kid} was encrypted with another key-encryption key (id ${id ?? '?'}); this server has key ${this.id}. ` +
          'Set TARMAC_KEY_ENCRYPTION_KEY (or TARMAC_KEY_ENCRYPTION_KEY_FILE) to the key the database was used with.',
      );
    }
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(kid, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    } catch {
      throw new KeyEncryptionError(`The private key of signing key ${kid} does not decrypt: it was altered, or moved from another key's row.`);
    }
  }
}

/** True when `stored` is an encrypted private key (rather than a plain PEM written before encryption). */
export function isEncryptedPrivateKey(stored: string): boolean {
  return stored.startsWith(`${PREFIX}:`);
}

/** 32 bytes written as 64 hex characters or as base64 (standard or url-safe); `where` names the source in errors. */
export function parseKeyEncryptionKey(text: string, where: string): KeyEncryptionKey {
  const value = text.trim();
  let bytes: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(value)) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes?.length !== KEY_BYTES) {
    throw new KeyEncryptionError(
      `${where} must be 32 random bytes written as base64 (44 characters) or hex (64 characters). ` +
        'Make one with: openssl rand -base64 32',
    );
  }
  return new KeyEncryptionKey(bytes);
}

export interface KeyEncryptionSettings {
  /** TARMAC_KEY_ENCRYPTION_KEY. */
  keyEncryptionKey: string | undefined;
  /** TARMAC_KEY_ENCRYPTION_KEY_FILE (absolute). */
  keyEncryptionKeyFile: string | undefined;
  /** The demo setup: SQLite in dataDir and TARMAC_DEMO not false. */
  demo: boolean;
  dataDir: string;
}

export interface ResolvedKeyEncryptionKey {
  kek: KeyEncryptionKey;
  /** Where it came from, for the log: never the key itself. */
  source: string;
  /** Set when this call made a new demo key file (to be said loudly). */
  createdFile?: string;
}

/** The KEK the settings name, or the demo setup's own (made on first use); throws KeyEncryptionError otherwise. */
export function resolveKeyEncryptionKey(settings: KeyEncryptionSettings): ResolvedKeyEncryptionKey {
  if (settings.keyEncryptionKey !== undefined && settings.keyEncryptionKeyFile !== undefined) {
    throw new KeyEncryptionError('Set TARMAC_KEY_ENCRYPTION_KEY or TARMAC_KEY_ENCRYPTION_KEY_FILE, not both.');
  }
  if (settings.keyEncryptionKey !== undefined) {
    return { kek: parseKeyEncryptionKey(settings.keyEncryptionKey, 'TARMAC_KEY_ENCRYPTION_KEY'), source: 'TARMAC_KEY_ENCRYPTION_KEY' };
  }
  if (settings.keyEncryptionKeyFile !== undefined) {
    return { kek: readKeyFile(settings.keyEncryptionKeyFile, 'TARMAC_KEY_ENCRYPTION_KEY_FILE'), source: settings.keyEncryptionKeyFile };
  }
  if (!settings.demo) {
    throw new KeyEncryptionError(
      'Token signing keys are stored encrypted, and this setup (PostgreSQL, or TARMAC_DEMO=false) needs the key to encrypt them with: ' +
        'set TARMAC_KEY_ENCRYPTION_KEY to 32 random bytes in base64 (openssl rand -base64 32), or TARMAC_KEY_ENCRYPTION_KEY_FILE to a file holding them. ' +
        'Every process on the database needs the same key.',
    );
  }
  const file = join(settings.dataDir, DEMO_KEK_FILE_NAME);
  if (existsSync(file)) return { kek: readKeyFile(file, `The demo key file ${file}`), source: file };
  const kek = KeyEncryptionKey.generate();
  mkdirSync(settings.dataDir, { recursive: true });
  try {
    // 'wx': two processes starting at once do not overwrite each other's key; the loser reads the winner's.
    writeFileSync(file, `${kek.toText()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { kek: readKeyFile(file, `The demo key file ${file}`), source: file };
    throw err;
  }
  chmodSync(file, 0o600);
  return { kek, source: file, createdFile: file };
}

/** What to log, loudly, when the demo setup made its own key-encryption key. */
export function demoKeyNotice(file: string): string {
  return (
    `Made a new key-encryption key for the token signing keys and wrote it to ${file} (mode 0600): the demo setup. ` +
    'Keep that file with the database (a copy of one without the other cannot sign tokens); outside a demo, set TARMAC_KEY_ENCRYPTION_KEY.'
  );
}

function readKeyFile(file: string, where: string): KeyEncryptionKey {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KeyEncryptionError(`Cannot read ${where === file ? file : `${where} (${file})`}: ${(err as Error).message}.`);
  }
  return parseKeyEncryptionKey(text, where);
}
