// The demo tenant `npm start` creates on an empty database, so that a first run has something to call.
import { createTenant, type CreatedTenant } from './create-tenant.js';
import { TenantsError } from './errors.js';
import type { TenantsStore } from './ports.js';
import { createUser } from './users.js';

export const DEMO_DOMAIN = 'demo.onmicrosoft.com';
export const DEMO_DISPLAY_NAME = 'Tarmac Demo';
/** The demo tenant's administrator, who signs in to the web console. */
export const DEMO_ADMIN_UPN = `admin@${DEMO_DOMAIN}`;

export interface CreatedDemoTenant extends CreatedTenant {
  /** The Global Administrator who signs in to the console, and their generated password (shown once). */
  admin: { userPrincipalName: string; password: string };
}

/**
 * Creates the demo tenant, its app and its administrator when the database has no tenant at all; undefined otherwise
 * (also when another process created it a moment before).
 */
export async function createDemoTenantIfEmpty(store: TenantsStore, now?: Date): Promise<CreatedDemoTenant | undefined> {
  if ((await store.tenants.count()) > 0) return undefined;
  try {
    const created = await createTenant(store, { domain: DEMO_DOMAIN, displayName: DEMO_DISPLAY_NAME, appDisplayName: 'Tarmac demo app', now });
    const admin = await createUser(store, { tenant: created.tenant.id, userPrincipalName: DEMO_ADMIN_UPN, displayName: 'Demo Admin', roles: ['Global Administrator'], now });
    return { ...created, admin: { userPrincipalName: admin.user.userPrincipalName, password: admin.generatedPassword ?? '' } };
  } catch (err) {
    if (err instanceof TenantsError && err.code === 'DomainTaken') return undefined;
    throw err;
  }
}
