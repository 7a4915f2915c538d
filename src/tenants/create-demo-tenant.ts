// The demo tenant `npm start` creates on an empty database, so that a first run has something to call.
import { createTenant, type CreatedTenant } from './create-tenant.js';
import { TenantsError } from './errors.js';
import type { TenantsStore } from './ports.js';

export const DEMO_DOMAIN = 'demo.onmicrosoft.com';
export const DEMO_DISPLAY_NAME = 'Tarmac Demo';

/**
 * Creates the demo tenant and its app when the database has no tenant at all; undefined otherwise (also when
 * another process created it a moment before).
 */
export async function createDemoTenantIfEmpty(store: TenantsStore, now?: Date): Promise<CreatedTenant | undefined> {
  if ((await store.tenants.count()) > 0) return undefined;
  try {
    return await createTenant(store, { domain: DEMO_DOMAIN, displayName: DEMO_DISPLAY_NAME, appDisplayName: 'Tarmac demo app', now });
  } catch (err) {
    if (err instanceof TenantsError && err.code === 'DomainTaken') return undefined;
    throw err;
  }
}
