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
    readonly field: 'domain' | 'tenantId' | 'clientId' | 'appId' | 'secretId' | 'kid',
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
}

export interface TenantsStore {
  readonly tenants: TenantRepository;
  readonly apps: AppRepository;
  readonly signingKeys: SigningKeyRepository;
  /**
   * Runs `work` atomically: everything it does through the store it is given commits together, or not at all
   * when it throws. Inside a transaction, `transaction` just runs `work` in the same one.
   */
  transaction<T>(work: (store: TenantsStore) => Promise<T>): Promise<T>;
}
