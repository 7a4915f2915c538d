// Creating a tenant: a GUID, its initial domain (unique across tenants) and display name, and a first app so that
// the tenant is usable at once.
import { randomUUID } from 'node:crypto';
import { prepareApp, saveApp, validDisplayName, type CreatedApp } from './create-app.js';
import { normalizeDomain } from './domain-names.js';
import { TenantsError } from './errors.js';
import { DuplicateError, type Tenant, type TenantKind, type TenantsStore } from './ports.js';

export interface CreateTenantInput {
  domain: string;
  displayName?: string | undefined;
  /** Roles of the first app; default DEFAULT_APP_ROLES. */
  roles?: readonly string[] | undefined;
  appDisplayName?: string | undefined;
  /** customer (the default), partner or oem. */
  kind?: TenantKind | undefined;
  now?: Date | undefined;
}

export type CreatedTenant = CreatedApp;

export async function createTenant(store: TenantsStore, input: CreateTenantInput): Promise<CreatedTenant> {
  const domain = normalizeDomain(input.domain);
  const displayName = validDisplayName(input.displayName ?? defaultDisplayName(domain), 'tenant');
  const now = input.now ?? new Date();
  const tenant: Tenant = {
    id: randomUUID(),
    displayName,
    kind: input.kind ?? 'customer',
    createdAt: now.toISOString(),
    domains: [{ name: domain, isInitial: true, isDefault: true }],
  };
  const prepared = await prepareApp(tenant, { displayName: input.appDisplayName, roles: input.roles, now });
  try {
    await store.transaction(async (tx) => {
      await tx.tenants.insert(tenant);
      await saveApp(tx, prepared);
    });
    return prepared.created;
  } catch (err) {
    if (err instanceof DuplicateError && err.field === 'domain') {
      throw new TenantsError('DomainTaken', `The domain ${domain} already belongs to a tenant; choose another domain.`);
    }
    throw err;
  }
}

/** contoso.onmicrosoft.com → Contoso. */
export function defaultDisplayName(domain: string): string {
  const first = domain.split('.')[0] ?? domain;
  return first.charAt(0).toUpperCase() + first.slice(1);
}
