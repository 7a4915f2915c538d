// The composition: the domain store (src/ports.ts) and the tenants store (src/tenants/ports.ts) on one database, each
// repository on the database or on the transaction a `transaction()` call opened.
import type { Kysely } from 'kysely';
import { WriteConflictError, type Store } from '../ports.js';
import type { TenantsStore } from '../tenants/ports.js';
import { KyselyAppRepository } from './app-repository.js';
import { KyselyAuditRepository } from './audit-repository.js';
import { KyselyDeviceRepository } from './device-repository.js';
import { KyselyDirectoryRepository } from './directory-repository.js';
import { engineOf, type Engine } from './engine.js';
import { writeConflictOf } from './errors.js';
import { KyselyEntraDeviceRepository } from './entra-device-repository.js';
import type { Executor } from './executor.js';
import { KyselyIdentityKeyRepository } from './identity-key-repository.js';
import { KyselyImportRepository } from './import-repository.js';
import { KyselyIntuneRepository } from './intune-repository.js';
import { KyselyPartnerPolicyRepository } from './partner-policy-repository.js';
import { KyselyProfileRepository } from './profile-repository.js';
import { KyselyRelationshipRepository } from './relationship-repository.js';
import { KyselyBatchRepository } from './batch-repository.js';
import { KyselyJobRepository } from './job-repository.js';
import type { DatabaseSchema } from './schema.js';
import { KyselySettingsRepository } from './settings-repository.js';
import { KyselySigningKeyRepository } from './signing-key-repository.js';
import { KyselyTenantRepository } from './tenant-repository.js';
import { KyselyUserRepository } from './user-repository.js';
import { KyselyAuthCodeRepository } from './auth-code-repository.js';
import { KyselyRefreshTokenRepository } from './refresh-token-repository.js';

export function createStore(db: Kysely<DatabaseSchema>): Store {
  return storeOn(db, engineOf(db));
}

function storeOn(executor: Executor, engine: Engine): Store {
  const store: Store = {
    imports: new KyselyImportRepository(executor, engine),
    devices: new KyselyDeviceRepository(executor, engine),
    identityKeys: new KyselyIdentityKeyRepository(executor),
    settings: new KyselySettingsRepository(executor, engine),
    entra: new KyselyEntraDeviceRepository(executor, engine),
    directory: new KyselyDirectoryRepository(executor, engine),
    profiles: new KyselyProfileRepository(executor, engine),
    intune: new KyselyIntuneRepository(executor, engine),
    relationships: new KyselyRelationshipRepository(executor),
    batches: new KyselyBatchRepository(executor),
    jobs: new KyselyJobRepository(executor),
    partnerPolicies: new KyselyPartnerPolicyRepository(executor),
    audit: new KyselyAuditRepository(executor, engine),
    async transaction<T>(work: (s: Store) => Promise<T>): Promise<T> {
      if (executor.isTransaction) return work(store);
      try {
        return await executor.transaction().execute((trx) => work(storeOn(trx, engine)));
      } catch (err) {
        // The one place where a lost concurrent write becomes the domain's error (see errors.ts, writeConflictOf).
        const reason = writeConflictOf(err);
        if (reason !== undefined && !(err instanceof WriteConflictError)) throw new WriteConflictError(reason, { cause: err });
        throw err;
      }
    },
  };
  return store;
}

export function createTenantsStore(db: Kysely<DatabaseSchema>): TenantsStore {
  return tenantsStoreOn(db);
}

function tenantsStoreOn(executor: Executor): TenantsStore {
  const store: TenantsStore = {
    tenants: new KyselyTenantRepository(executor),
    apps: new KyselyAppRepository(executor),
    users: new KyselyUserRepository(executor),
    authCodes: new KyselyAuthCodeRepository(executor),
    refreshTokens: new KyselyRefreshTokenRepository(executor),
    signingKeys: new KyselySigningKeyRepository(executor),
    async transaction<T>(work: (s: TenantsStore) => Promise<T>): Promise<T> {
      if (executor.isTransaction) return work(store);
      return executor.transaction().execute((trx) => work(tenantsStoreOn(trx)));
    },
  };
  return store;
}
