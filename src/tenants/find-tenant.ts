// Finding a tenant the way Entra's URLs name it: by tenant id (GUID) or by any of its domains.
import { isGuid } from './domain-names.js';
import type { Tenant, TenantsStore } from './ports.js';

export async function findTenant(store: Pick<TenantsStore, 'tenants'>, idOrDomain: string): Promise<Tenant | undefined> {
  const key = idOrDomain.trim().toLowerCase();
  if (key === '') return undefined;
  if (isGuid(key)) return store.tenants.findById(key);
  return store.tenants.findByDomain(key.replace(/\.$/, ''));
}
