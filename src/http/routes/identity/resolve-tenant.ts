// The `{tenant}` segment of Entra URLs: a tenant id or one of the tenant's domains.
import { findTenant, type Tenant, type TenantsStore } from '../../../tenants/index.js';
import { entraErrors } from '../../entra-errors.js';

/** Entra's multi-tenant aliases, which name no tenant. */
export const TENANT_ALIASES = new Set(['common', 'organizations', 'consumers']);

const TENANT_NAME = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63})$/i;

/** The tenant a URL names, or the EntraError to answer with (thrown). */
export async function resolveTenant(store: TenantsStore, param: string, notFoundError = 'invalid_request'): Promise<Tenant> {
  if (TENANT_ALIASES.has(param.toLowerCase())) throw entraErrors.noTenantForApp();
  if (!TENANT_NAME.test(param)) throw entraErrors.invalidTenantName(param);
  const tenant = await findTenant(store, param);
  if (!tenant) throw entraErrors.tenantNotFound(param, notFoundError);
  return tenant;
}
