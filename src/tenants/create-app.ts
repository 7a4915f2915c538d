// Registering an app in a tenant: a client id, one secret (returned once, stored hashed) and application permissions.
import { randomUUID } from 'node:crypto';
import { TenantsError } from './errors.js';
import { findTenant } from './find-tenant.js';
import type { App, AppSecret, Tenant, TenantsStore } from './ports.js';
import { DEFAULT_APP_ROLES, normalizeRoles } from './roles.js';
import { generateClientSecret, hashClientSecret, secretHint } from './secrets.js';

export const DEFAULT_APP_NAME = 'Tarmac automation';

export interface CreateAppInput {
  /** Tenant id or any of its domains. */
  tenant: string;
  displayName?: string | undefined;
  /**
   * Application permissions; default DEFAULT_APP_ROLES, or none for a public client (it acts for signed-in users,
   * with their permissions). An empty list grants none.
   */
  roles?: readonly string[] | undefined;
  /** Redirect URIs for sign-in (https, or http on loopback), compared exactly. */
  redirectUris?: readonly string[] | undefined;
  /** A public client (SPA, desktop): redeems codes without its secret. */
  publicClient?: boolean | undefined;
  /** When the secret stops working; default never. */
  secretExpiresAt?: Date | undefined;
  now?: Date | undefined;
}

export interface CreatedApp {
  tenant: Tenant;
  app: App;
  /** The secret in clear: show it once, it cannot be read back. */
  clientSecret: string;
  secretId: string;
}

export async function createApp(store: TenantsStore, input: CreateAppInput): Promise<CreatedApp> {
  const tenant = await findTenant(store, input.tenant);
  if (!tenant) {
    throw new TenantsError(
      'TenantNotFound',
      `No tenant '${input.tenant}'. Give its tenant id or domain (list them with \`tarmac tenant list\`).`,
    );
  }
  return addApp(store, tenant, input);
}

/** Adds an app to a tenant already found. */
export async function addApp(
  store: TenantsStore,
  tenant: Tenant,
  input: Omit<CreateAppInput, 'tenant'>,
): Promise<CreatedApp> {
  const prepared = await prepareApp(tenant, input);
  await store.transaction((tx) => saveApp(tx, prepared));
  return prepared.created;
}

export interface PreparedApp {
  created: CreatedApp;
  secret: AppSecret;
}

/**
 * Everything about a new app that needs no storage: ids, the secret and its (slow, scrypt) hash. Kept apart so the
 * hashing happens before a transaction starts, not while it holds the database's write lock.
 */
export async function prepareApp(tenant: Tenant, input: Omit<CreateAppInput, 'tenant'>): Promise<PreparedApp> {
  const displayName = validDisplayName(input.displayName ?? DEFAULT_APP_NAME, 'app');
  const roles = normalizeRoles(input.roles ?? (input.publicClient ? [] : DEFAULT_APP_ROLES));
  const now = (input.now ?? new Date()).toISOString();
  const clientSecret = generateClientSecret();
  const app: App = {
    id: randomUUID(),
    tenantId: tenant.id,
    clientId: randomUUID(),
    displayName,
    roles,
    createdAt: now,
    redirectUris: validRedirectUris(input.redirectUris ?? []),
    publicClient: input.publicClient ?? false,
  };
  const secret: AppSecret = {
    id: randomUUID(),
    appId: app.id,
    hint: secretHint(clientSecret),
    hash: await hashClientSecret(clientSecret),
    createdAt: now,
    expiresAt: input.secretExpiresAt ? input.secretExpiresAt.toISOString() : null,
  };
  return { created: { tenant, app, clientSecret, secretId: secret.id }, secret };
}

export async function saveApp(store: TenantsStore, prepared: PreparedApp): Promise<void> {
  await store.apps.insert(prepared.created.app);
  await store.apps.insertSecret(prepared.secret);
}

/**
 * Redirect URIs as Entra accepts them: absolute, https (or http on localhost / 127.0.0.1 / [::1]), no fragment;
 * kept as written (matching is exact), duplicates dropped.
 */
export function validRedirectUris(input: readonly string[]): string[] {
  const out: string[] = [];
  for (const raw of input) {
    const value = raw.trim();
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new TenantsError('InvalidRedirectUri', `The redirect URI '${raw}' is not an absolute URL. Example: https://tarmac.example.com/.`);
    }
    const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
      throw new TenantsError('InvalidRedirectUri', `The redirect URI '${raw}' must use https (http only on localhost, 127.0.0.1 or [::1]).`);
    }
    if (url.hash !== '' || value.includes('#')) throw new TenantsError('InvalidRedirectUri', `The redirect URI '${raw}' must not have a fragment (#…).`);
    if (value.length > 256) throw new TenantsError('InvalidRedirectUri', `The redirect URI '${raw}' is longer than 256 characters.`);
    if (!out.includes(value)) out.push(value);
  }
  return out;
}

export function validDisplayName(name: string, what: 'tenant' | 'app' | 'user'): string {
  const trimmed = name.trim();
  if (trimmed === '' || trimmed.length > 256 || /\p{Cc}/u.test(trimmed)) {
    throw new TenantsError(
      'InvalidDisplayName',
      `The ${what} name must be 1 to 256 characters without control characters (got '${name}').`,
    );
  }
  return trimmed;
}
