// Token signing keys: RSA 2048 generated once with jose, kept in the database (so tokens survive restarts and every
// process sharing the database signs and verifies with the same keys), published as a JWKS.
import { calculateJwkThumbprint, exportJWK, exportPKCS8, generateKeyPair, importJWK, importPKCS8, type CryptoKey, type JWK } from 'jose';
import type { SigningKeyRecord, SigningKeyRepository } from './ports.js';

export const SIGNING_ALG = 'RS256';

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

export async function generateSigningKey(now: Date = new Date()): Promise<SigningKeyRecord> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { modulusLength: 2048, extractable: true });
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk, 'sha256');
  const publicJwk: Record<string, string> = {};
  for (const [k, v] of Object.entries(jwk)) if (typeof v === 'string') publicJwk[k] = v;
  return { kid, alg: SIGNING_ALG, publicJwk, privatePkcs8: await exportPKCS8(privateKey), createdAt: now.toISOString(), retiredAt: null };
}

/** The keys of one database, cached in memory. One per process (the HTTP app holds it). */
export class KeyRing {
  readonly #repo: SigningKeyRepository;
  readonly #keys = new Map<string, LoadedKey>();
  #ensuring: Promise<LoadedKey> | undefined;

  constructor(repo: SigningKeyRepository) {
    this.#repo = repo;
  }

  /** The key new tokens are signed with, generating and storing the first one if the database has none. */
  async signingKey(): Promise<{ kid: string; privateKey: CryptoKey }> {
    const current = await this.#current();
    current.privateKey ??= await importPKCS8(current.record.privatePkcs8, SIGNING_ALG);
    return { kid: current.record.kid, privateKey: current.privateKey };
  }

  /** Makes sure a signing key exists (the server calls this at start so the first token request is fast). */
  async ensure(): Promise<string> {
    return (await this.#current()).record.kid;
  }

  /**
   * The public key for `kid`, or undefined for a key this database never had. An unknown kid reloads the (small)
   * key table: another process sharing the database may have added a key.
   */
  async verificationKey(kid: string | undefined): Promise<CryptoKey | undefined> {
    if (kid === undefined) return undefined;
    const cached = this.#keys.get(kid);
    if (cached) return cached.publicKey;
    await this.#reload();
    return this.#keys.get(kid)?.publicKey;
  }

  /** Every key, for `/discovery/v2.0/keys` (creating the first one if need be, so the set is never empty). */
  async jwks(): Promise<{ keys: PublishedJwk[] }> {
    await this.#current();
    await this.#reload();
    return {
      keys: [...this.#keys.values()].map(({ record }) => ({
        kty: record.publicJwk.kty ?? 'RSA',
        use: 'sig',
        alg: SIGNING_ALG,
        kid: record.kid,
        n: record.publicJwk.n ?? '',
        e: record.publicJwk.e ?? '',
      })),
    };
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
    const record = await generateSigningKey();
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

  async #reload(): Promise<void> {
    const records = await this.#repo.list();
    for (const record of records) {
      const known = this.#keys.get(record.kid);
      if (known) known.record = record;
      else await this.#add(record);
    }
  }

  async #add(record: SigningKeyRecord): Promise<LoadedKey> {
    const publicKey = await importJWK({ ...record.publicJwk, alg: SIGNING_ALG } as JWK, SIGNING_ALG);
    if (!('type' in publicKey)) throw new Error(`Signing key ${record.kid} is not an RSA public key.`);
    const loaded: LoadedKey = { record, publicKey };
    this.#keys.set(record.kid, loaded);
    return loaded;
  }
}
