// The storage the tokens domain needs: its signing keys (implemented by src/store/signing-key-repository.ts; the
// tenants store composes it as TenantsStore.signingKeys).

export interface SigningKeyRecord {
  kid: string;
  alg: 'RS256';
  /** Public key as a JWK (kty, n, e). */
  publicJwk: Record<string, string>;
  /** Private key, PKCS#8 PEM. */
  privatePkcs8: string;
  createdAt: string;
  retiredAt: string | null;
}

export interface SigningKeyRepository {
  /** Rejects with the tenants domain's DuplicateError('kid'). */
  insert(key: SigningKeyRecord): Promise<void>;
  /** All keys, newest first. */
  list(): Promise<SigningKeyRecord[]>;
}
