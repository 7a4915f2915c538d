// Registry test helpers: synthetic hashes (never real ones), migrated databases on both engines, tenants.
import { encodeHardwareHash, syntheticInventory, type SyntheticOverrides } from '../../src/hash/index.js';
import { createStore, createTenantsStore, type Db } from '../../src/store/index.js';
import type { EntityModel, ListQuery } from '../../src/model/index.js';
import type { Store } from '../../src/ports.js';
import type { CreatedTenant, TenantsStore } from '../../src/tenants/index.js';
import { createSeededTestDatabase } from './templates.js';
import { TEST_ENGINES, type TestDatabase, type TestEngine } from './test-databases.js';

/** The engines this run tests (TEST_ENGINES: both unless TARMAC_TEST_ENGINES says otherwise). */
export const ENGINES: readonly TestEngine[] = TEST_ENGINES;

/** Base64 hardware hash of synthetic device `seed`. */
export function syntheticHash(seed: number, overrides: SyntheticOverrides = {}): string {
  return encodeHardwareHash(syntheticInventory(seed, overrides)).base64;
}

export interface RegistryFixture {
  tdb: TestDatabase;
  db: Db;
  store: Store;
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
  return { tdb, db: tdb.db, store: createStore(tdb.db), tenants, contoso, fabrikam, cleanup: () => tdb.cleanup() };
}

/** The first `top` items of a list in key order, as a Graph client gets them with only $top (and $count). */
export function firstPage(model: EntityModel, top: number, count = false): ListQuery {
  return { model, filter: undefined, top, skip: 0, orderBy: [], select: undefined, count, skipToken: undefined, fingerprint: model.name };
}
