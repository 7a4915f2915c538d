// The storage the tokens domain needs: its signing keys (implemented by src/store/signing-key-repository.ts; the
// tenants store composes it as TenantsStore.signingKeys).

export interface SigningKeyRecord {
  kid: string;
  alg: 'RS256';
  /** Public key as a JWK (kty, n, e). */
  publicJwk: Record<string, string>;
  /**
   * Private key: PKCS#8 PEM encrypted with the key-encryption key (key-encryption.ts, `tarmac-kek-v1:…`); plain PEM
   * only in rows written before issue 12, which the KeyRing encrypts when it first reads them.
   */
  privatePkcs8: string;
  createdAt: string;
  retiredAt: string | null;
}

export interface SigningKeyRepository {
  /** Rejects with the tenants domain's DuplicateError('kid'). */
  insert(key: SigningKeyRecord): Promise<void>;
  /** All keys, newest first. */
  list(): Promise<SigningKeyRecord[]>;
  /** Stops the key signing from `at` (ISO); keys already retired keep their time. False when there is no such active key. */
  retire(kid: string, at: string): Promise<boolean>;
  /** Replaces the stored private key text (to encrypt a plain one); false when there is no such key. */
  replacePrivateKey(kid: string, privatePkcs8: string): Promise<boolean>;
}
