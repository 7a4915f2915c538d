// Registry test helpers: synthetic hashes (never real ones), migrated databases on both engines, tenants.
import { encodeHardwareHash, syntheticInventory, type SyntheticOverrides } from '../../src/hash/index.js';
import { createRegistryStore, createTenantsStore, type Db } from '../../src/store/index.js';
import type { RegistryStore } from '../../src/registry/index.js';
import type { CreatedTenant, TenantsStore } from '../../src/tenants/index.js';
import { createSeededTestDatabase } from './templates.js';
import type { TestDatabase, TestEngine } from './test-databases.js';

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
  const {
    tdb,
    tenants: [contoso, fabrikam],
  } = await createSeededTestDatabase(engine, ['contoso.onmicrosoft.com', 'fabrikam.onmicrosoft.com']);
  const tenants = createTenantsStore(tdb.db);
  return { tdb, db: tdb.db, store: createRegistryStore(tdb.db), tenants, contoso, fabrikam, cleanup: () => tdb.cleanup() };
}
