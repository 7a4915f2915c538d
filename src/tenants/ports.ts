// What the tenants domain needs from storage. src/store implements these on SQLite and PostgreSQL; the domain never
// sees SQL, and nothing here knows about HTTP.
import type { SigningKeyRepository } from '../tokens/ports.js';

export interface TenantDomain {
  /** Lowercase domain name, e.g. contoso.onmicrosoft.com. */
  name: string;
  isInitial: boolean;
  isDefault: boolean;
}

/**
 * What an organisation is to Autopilot: a customer registers and runs devices; a partner (CSP) registers them for
 * customers through Partner Center; an OEM registers them for customers through the OEM API. All three are tenants
 * with apps; partners and OEMs act on a customer only through a relationship the customer accepted.
 */
export const TENANT_KINDS = ['customer', 'partner', 'oem'] as const;
export type TenantKind = (typeof TENANT_KINDS)[number];

export interface Tenant {
  /** Tenant id: a lowercase GUID. */
  id: string;
  displayName: string;
  kind: TenantKind;
  /** ISO 8601 UTC. */
  createdAt: string;
  /** At least one; the initial domain first. */
  domains: TenantDomain[];
}

export interface App {
  /** Object id of the app (and of its service principal: the token's `oid`). Lowercase GUID. */
  id: string;
  tenantId: string;
  /** Application (client) id. Lowercase GUID, unique across tenants. */
  clientId: string;
  displayName: string;
  /** Application permissions granted to the app (the token's `roles`). */
  roles: string[];
  createdAt: string;
  /** Where sign-in may send codes: compared exactly (no wildcards, no prefix match). Empty: no sign-in. */
  redirectUris: string[];
  /** A public client (SPA, desktop): redeems codes and refresh tokens without a secret, PKCE mandatory. */
  publicClient: boolean;
}

export interface AppSecret {
  /** keyId of the credential. */
  id: string;
  appId: string;
  /** First three characters of the secret. */
  hint: string;
  /** Encoded scrypt hash (see secrets.ts); never the secret. */
  hash: string;
  createdAt: string;
  /** ISO 8601 UTC, or null for a secret that does not expire. */
  expiresAt: string | null;
}

export interface AppWithSecrets extends App {
  secrets: AppSecret[];
}

/** A unique value is already taken (a tenant domain, a client id, a key id). `field` names which. */
export class DuplicateError extends Error {
  override readonly name = 'DuplicateError';
  constructor(
    readonly field: 'domain' | 'tenantId' | 'clientId' | 'appId' | 'secretId' | 'kid' | 'userPrincipalName' | 'userId',
    message?: string,
  ) {
    super(message ?? `${field} already exists`);
  }
}

export interface TenantRepository {
  /** Stores a tenant with its domains. Rejects with DuplicateError('domain' | 'tenantId'). */
  insert(tenant: Tenant): Promise<void>;
  findById(id: string): Promise<Tenant | undefined>;
  /** By any of its domains; `name` is already lowercase. */
  findByDomain(name: string): Promise<Tenant | undefined>;
  /** All tenants, oldest first. */
  list(): Promise<Tenant[]>;
  count(): Promise<number>;
}

export interface AppRepository {
  /** Rejects with DuplicateError('clientId' | 'appId'). */
  insert(app: App): Promise<void>;
  /** Rejects with DuplicateError('secretId'). */
  insertSecret(secret: AppSecret): Promise<void>;
  /** The app with this client id in this tenant (an app of another tenant is not found). */
  findByClientId(tenantId: string, clientId: string): Promise<AppWithSecrets | undefined>;
  /** The tenant's apps, oldest first. */
  listByTenant(tenantId: string): Promise<App[]>;
  /**
   * What checking an access token of the app needs, without its secrets: undefined when the tenant has no such
   * app; `tokensNotBefore` (ISO) when tokens issued before it were revoked, else null.
   */
  tokenState(tenantId: string, clientId: string): Promise<{ tokensNotBefore: string | null } | undefined>;
  /** Deletes the app (with its secrets); false when the tenant has no such app. */
  delete(tenantId: string, clientId: string): Promise<boolean>;
  /** Deletes one secret of the app `appId` (its object id); false when it has no such secret. */
  deleteSecret(appId: string, secretId: string): Promise<boolean>;
  /** Refuses the app's access tokens issued before `at` (ISO); false when the tenant has no such app. */
  setTokensNotBefore(tenantId: string, clientId: string, at: string): Promise<boolean>;
}

/** A person who signs in (src/tenants/users.ts). */
export interface User {
  /** Object id: a lowercase GUID (the tokens' `oid`). */
  id: string;
  tenantId: string;
  /** Lowercase, e.g. ada@contoso.onmicrosoft.com; unique across tenants. */
  userPrincipalName: string;
  displayName: string;
  /** Entra directory role names (roles.ts DIRECTORY_ROLES). */
  roles: string[];
  accountEnabled: boolean;
  createdAt: string;
}

export interface UserWithPassword extends User {
  /** Encoded scrypt hash (secrets.ts); never the password. */
  passwordHash: string;
}

export interface UserRepository {
  /** Rejects with DuplicateError('userPrincipalName' | 'userId'). */
  insert(user: UserWithPassword): Promise<void>;
  /** By user principal name (already lowercase), within the tenant. */
  findByUpn(tenantId: string, userPrincipalName: string): Promise<UserWithPassword | undefined>;
  findById(tenantId: string, id: string): Promise<User | undefined>;
  /** The tenant's users, oldest first. */
  listByTenant(tenantId: string): Promise<User[]>;
}

/** An authorization code, stored by the SHA-256 of the code. */
export interface AuthCode {
  codeHash: string;
  tenantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  /** Space-separated, as granted. */
  scope: string;
  /** S256 challenge (base64url), or null when the client sent none (confidential clients only). */
  codeChallenge: string | null;
  nonce: string | null;
  /** Shared with the refresh tokens the code leads to. */
  familyId: string;
  expiresAt: string;
  used: boolean;
  createdAt: string;
}

export interface AuthCodeRepository {
  insert(code: AuthCode): Promise<void>;
  /**
   * Marks the code used, atomically: `firstUse` is true for exactly one caller. The code as it was stored (`used`
   * false on the first use), or undefined when there is no such code.
   */
  redeem(codeHash: string): Promise<{ code: AuthCode; firstUse: boolean } | undefined>;
}

/** A refresh token, stored by the SHA-256 of the token. */
export interface RefreshToken {
  tokenHash: string;
  tenantId: string;
  clientId: string;
  userId: string;
  scope: string;
  familyId: string;
  expiresAt: string;
  revoked: boolean;
  createdAt: string;
}

export interface RefreshTokenRepository {
  insert(token: RefreshToken): Promise<void>;
  find(tokenHash: string): Promise<RefreshToken | undefined>;
  /** Revokes the token if it is not already; true for exactly one caller (the one that may rotate it). */
  revoke(tokenHash: string): Promise<boolean>;
  /** Revokes every token of the family; how many were still active. */
  revokeFamily(familyId: string): Promise<number>;
}

export interface TenantsStore {
  readonly tenants: TenantRepository;
  readonly apps: AppRepository;
  readonly users: UserRepository;
  readonly authCodes: AuthCodeRepository;
  readonly refreshTokens: RefreshTokenRepository;
  readonly signingKeys: SigningKeyRepository;
  /**
   * Runs `work` atomically: everything it does through the store it is given commits together, or not at all
   * when it throws. Inside a transaction, `transaction` just runs `work` in the same one.
   */
  transaction<T>(work: (store: TenantsStore) => Promise<T>): Promise<T>;
}
