// Token signing keys: RSA 2048 generated with jose, kept in the database (so tokens survive restarts and every
// process sharing the database signs and verifies with the same keys), published as a JWKS. Private keys are stored
// encrypted with the key-encryption key (key-encryption.ts); a plain one left by an older Tarmac is encrypted the
// first time a KeyRing reads it.
//
// Rotation (`tarmac keys rotate`, rotateSigningKeys): a new key becomes the signing key and the others are retired.
// A retired key no longer signs but still verifies, and stays in the JWKS, for the overlap (default 24 h, at least
// two token lifetimes), so that tokens it signed keep working until they expire; after that it is neither published
// nor accepted. A running server sees a rotation done by another process within RELOAD_SECONDS (it re-reads the
// small key table at most that often, and at once when a token names a kid it does not know).
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import { isEncryptedPrivateKey, type KeyEncryptionKey } from './key-encryption.js';
import type { SigningKeyRecord, SigningKeyRepository } from './ports.js';

export const SIGNING_ALG = 'RS256';
/** How long a retired key keeps verifying and being published, by default. */
export const DEFAULT_KEY_OVERLAP_SECONDS = 86_400;
/** The shortest overlap allowed: a token signed just before a rotation (one hour of life) must outlive it. */
export const MIN_KEY_OVERLAP_SECONDS = 7_200;
/** How stale a KeyRing's copy of the key table may get before it reads it again. */
export const RELOAD_SECONDS = 30;

/** A public key as published in the JWKS (the fields Entra publishes that Tarmac can produce: no x5c certificates). */
export interface PublishedJwk {
  kty: string;
  use: 'sig';
  alg: 'RS256';
  kid: string;
  n: string;
  e: string;
}

interface LoadedKey {
  record: SigningKeyRecord;
  publicKey: CryptoKey;
  privateKey?: CryptoKey;
}

/** A new key pair as a record whose private key is plain PKCS#8 (encrypt it before storing: newSigningKey). */
export async function generateSigningKey(now: Date = new Date()): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const publicJwk: Record<string, string> = {};
  for (const [k, v] of Object.entries(jwk)) if (typeof v === 'string') publicJwk[k] = v;
  return { kid, alg: SIGNING_ALG, publicJwk, privatePkcs8: await exportPKCS8(privateKey), createdAt: now.toISOString(), retiredAt: null };
}

/** A new key pair, its private key encrypted with `kek`: what is stored. */
export async function newSigningKey(kek: KeyEncryptionKey, now: Date = new Date()): Promise<SigningKeyRecord> {
  const record = await generateSigningKey(now);
  return { ...record, privatePkcs8: kek.encrypt(record.kid, record.privatePkcs8) };
}

export interface RotatedKeys {
  /** The new signing key. */
  kid: string;
  /** The keys it replaces: they verify, and stay published, until `publishedUntil`. */
  retired: string[];
  /** ISO time the retired keys stop verifying. */
  publishedUntil: string;
}

/** Makes a new signing key and retires every other active one (they verify for `overlapSeconds` more). */
export async function rotateSigningKeys(
  repo: SigningKeyRepository,
  kek: KeyEncryptionKey,
  now: Date = new Date(),
  overlapSeconds: number = DEFAULT_KEY_OVERLAP_SECONDS,
): Promise<RotatedKeys> {
  const before = await repo.list();
  // A new key encrypted with another KEK than the servers' would stop them signing: prove this KEK opens the keys.
  for (const key of before) if (key.retiredAt === null && isEncryptedPrivateKey(key.privatePkcs8)) kek.decrypt(key.kid, key.privatePkcs8);
  // The new key is stored first, so that there is always an active key to sign with.
  const record = await newSigningKey(kek, now);
  await repo.insert(record);
  const retired: string[] = [];
  for (const key of before) {
    if (key.retiredAt === null && (await repo.retire(key.kid, now.toISOString()))) retired.push(key.kid);
  }
  return { kid: record.kid, retired, publishedUntil: new Date(now.getTime() + overlapSeconds * 1000).toISOString() };
}

export interface KeyRingOptions {
  /** Decrypts the stored private keys (and encrypts new and plain ones). */
  kek: KeyEncryptionKey;
  /** How long a retired key keeps verifying (default DEFAULT_KEY_OVERLAP_SECONDS). */
  overlapSeconds?: number;
  /** The clock (the app's). */
  now?: () => Date;
}

/** The keys of one database, cached in memory. One per process (the HTTP app holds it). */
export class KeyRing {
  readonly #repo: SigningKeyRepository;
  readonly #kek: KeyEncryptionKey;
  readonly #overlapMs: number;
  readonly #now: () => Date;
  readonly #keys = new Map<string, LoadedKey>();
  #ensuring: Promise<LoadedKey> | undefined;
  #reloading: Promise<void> | undefined;
  /** When the key table was last read (ms since the epoch, by the ring's clock); -Infinity: never. */
  #loadedAt = Number.NEGATIVE_INFINITY;

  constructor(repo: SigningKeyRepository, options: KeyRingOptions) {
    this.#repo = repo;
    this.#kek = options.kek;
    this.#overlapMs = (options.overlapSeconds ?? DEFAULT_KEY_OVERLAP_SECONDS) * 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /** The key new tokens are signed with, generating and storing the first one if the database has none. */
  async signingKey(): Promise<{ kid: string; privateKey: CryptoKey }> {
    await this.#reloadIfStale();
    const current = await this.#current();
    current.privateKey ??= await importPKCS8(this.#kek.decrypt(current.record.kid, current.record.privatePkcs8), SIGNING_ALG);
    return { kid: current.record.kid, privateKey: current.privateKey };
  }

  /**
   * Makes sure a signing key exists and that this server's key-encryption key opens it (the server calls this at
   * start, so that a wrong key stops it there rather than at the first token request). Returns its kid.
   */
  async ensure(): Promise<string> {
    return (await this.signingKey()).kid;
  }

  /**
   * The public key for `kid`, or undefined for a key this database never had or that was retired more than the
   * overlap ago. An unknown kid reloads the (small) key table: another process may have added a key.
   */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (kid === undefined) return undefined;
    await this.#reloadIfStale();
    let key = this.#keys.get(kid);
    if (!key) {
      await this.#reload();
      key = this.#keys.get(kid);
    }
    return key && this.#verifies(key.record) ? key.publicKey : undefined;
  }

  /** Every key that verifies, for `/discovery/v2.0/keys` (creating the first one if need be, so the set is never empty). */
  async jwks(): Promise<{ keys: PublishedJwk[] }> {
    await this.#current();
    await this.#reload();
    return {
      keys: [...this.#keys.values()]
        .filter(({ record }) => this.#verifies(record))
        .map(({ record }) => ({
          kty: record.publicJwk.kty ?? 'RSA',
          use: 'sig',
          alg: SIGNING_ALG,
          kid: record.kid,
          n: record.publicJwk.n ?? '',
          e: record.publicJwk.e ?? '',
        })),
    };
  }

  #verifies(record: SigningKeyRecord): boolean {
    return record.retiredAt === null || Date.parse(record.retiredAt) + this.#overlapMs > this.#now().getTime();
  }

  #current(): Promise<LoadedKey> {
    const newest = this.#newestActive();
    if (newest) return Promise.resolve(newest);
    this.#ensuring ??= this.#loadOrCreate().finally(() => {
      this.#ensuring = undefined;
    });
    return this.#ensuring;
  }

  async #loadOrCreate(): Promise<LoadedKey> {
    await this.#reload();
    const existing = this.#newestActive();
    if (existing) return existing;
    // Two processes may both get here on a fresh database; both keys are then valid and published.
    const record = await newSigningKey(this.#kek, this.#now());
    await this.#repo.insert(record);
    return this.#add(record);
  }

  #newestActive(): LoadedKey | undefined {
    let newest: LoadedKey | undefined;
    for (const key of this.#keys.values()) {
      if (key.record.retiredAt !== null) continue;
      if (!newest || key.record.createdAt > newest.record.createdAt) newest = key;
    }
    return newest;
  }

  async #reloadIfStale(): Promise<void> {
    if (this.#now().getTime() - this.#loadedAt >= RELOAD_SECONDS * 1000) await this.#reload();
  }

  /** Reads the key table (one read at a time: concurrent callers share it). */
  #reload(): Promise<void> {
    this.#reloading ??= this.#readKeys().finally(() => {
      this.#reloading = undefined;
    });
    return this.#reloading;
  }

  async #readKeys(): Promise<void> {
    const records = await this.#repo.list();
    for (let record of records) {
      if (!isEncryptedPrivateKey(record.privatePkcs8)) record = await this.#encryptStored(record);
      const known = this.#keys.get(record.kid);
      if (known) known.record = record;
      else await this.#add(record);
    }
    this.#loadedAt = this.#now().getTime();
  }

  /** A plain private key written before keys were encrypted: encrypt it in place. */
  async #encryptStored(record: SigningKeyRecord): Promise<SigningKeyRecord> {
    const encrypted = { ...record, privatePkcs8: this.#kek.encrypt(record.kid, record.privatePkcs8) };
    await this.#repo.replacePrivateKey(record.kid, encrypted.privatePkcs8);
    return encrypted;
  }

  async #add(record: SigningKeyRecord): Promise<LoadedKey> {
    const publicKey = await importJWK({ ...record.publicJwk, alg: SIGNING_ALG } as JWK, SIGNING_ALG);
    if (!('type' in publicKey)) throw new Error(`Signing key ${record.kid} is not an RSA public key.`);
    const loaded: LoadedKey = { record, publicKey };
    this.#keys.set(record.kid, loaded);
    return loaded;
  }
}
