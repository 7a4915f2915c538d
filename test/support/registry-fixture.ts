// Registry test helpers: synthetic hashes (never real ones), migrated databases on both engines, tenants.
import { encodeHardwareHash, syntheticInventory, type SyntheticOverrides } from '../../src/hash/index.js';
import { createRegistryStore, createTenantsStore, migrateToLatest, type Db } from '../../src/store/index.js';
import type { RegistryStore } from '../../src/registry/index.js';
import { createTenant, type CreatedTenant, type TenantsStore } from '../../src/tenants/index.js';
import { createTestDatabase, type TestDatabase, type TestEngine } from './test-databases.js';

export const ENGINES: TestEngine[] = ['sqlite', 'postgres'];

/** Base64 hardware hash of synthetic device `seed`. */
export function syntheticHash(seed: number, overrides: SyntheticOverrides = {}): string {
  return encodeHardwareHash(syntheticInventory(seed, overrides)).base64;
}

export interface RegistryFixture {
  tdb: TestDatabase;
  db: Db;
  store: RegistryStore;
  tenants: TenantsStore;
  contoso: CreatedTenant;
  fabrikam: CreatedTenant;
  cleanup(): Promise<void>;
}

export async function registryFixture(engine: TestEngine): Promise<RegistryFixture> {
  const tdb = await createTestDatabase(engine);
  await migrateToLatest(tdb.db);
  const tenants = createTenantsStore(tdb.db);
  const contoso = await createTenant(tenants, { domain: 'contoso.onmicrosoft.com', displayName: 'Contoso' });
  const fabrikam = await createTenant(tenants, { domain: 'fabrikam.onmicrosoft.com', displayName: 'Fabrikam' });
  return { tdb, db: tdb.db, store: createRegistryStore(tdb.db), tenants, contoso, fabrikam, cleanup: () => tdb.cleanup() };
}
