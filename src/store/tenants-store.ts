// The tenants domain's storage (src/tenants/ports.ts) on Kysely: tenants and domains, apps and secrets, signing keys.
import type { Kysely, Transaction } from 'kysely';
import {
  DuplicateError,
  type App,
  type AppRepository,
  type AppSecret,
  type AppWithSecrets,
  type Tenant,
  type TenantRepository,
  type TenantsStore,
} from '../tenants/ports.js';
import type { SigningKeyRecord, SigningKeyRepository } from '../tokens/ports.js';
import { isUniqueViolation, violatedConstraint } from './errors.js';
import type { AppRow, AppSecretRow, DatabaseSchema, SigningKeyRow, TenantRow } from './schema.js';

type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

export function createTenantsStore(db: Kysely<DatabaseSchema>): TenantsStore {
  return storeOn(db, false);
}

function storeOn(executor: Executor, inTransaction: boolean): TenantsStore {
  const store: TenantsStore = {
    tenants: new KyselyTenantRepository(executor),
    apps: new KyselyAppRepository(executor),
    signingKeys: new KyselySigningKeyRepository(executor),
    async transaction<T>(work: (s: TenantsStore) => Promise<T>): Promise<T> {
      if (inTransaction) return work(store);
      return executor.transaction().execute((trx) => work(storeOn(trx, true)));
    },
  };
  return store;
}

/** Runs `write`, turning a unique violation into DuplicateError(field) chosen from the violated constraint. */
async function mapDuplicates<T>(write: () => Promise<T>, fieldFor: (constraint: string) => DuplicateError['field']): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isUniqueViolation(err)) {
      const field = fieldFor(violatedConstraint(err) ?? '');
      throw new DuplicateError(field);
    }
    throw err;
  }
}

class KyselyTenantRepository implements TenantRepository {
  constructor(private readonly db: Executor) {}

  async insert(tenant: Tenant): Promise<void> {
    const write = async (trx: Executor): Promise<void> => {
      await mapDuplicates(
        () => trx.insertInto('tenants').values({ id: tenant.id, display_name: tenant.displayName, created_at: tenant.createdAt }).execute(),
        () => 'tenantId',
      );
      if (tenant.domains.length > 0) {
        await mapDuplicates(
          () =>
            trx
              .insertInto('tenant_domains')
              .values(
                tenant.domains.map((d) => ({
                  name: d.name,
                  tenant_id: tenant.id,
                  is_initial: d.isInitial ? 1 : 0,
                  is_default: d.isDefault ? 1 : 0,
                  created_at: tenant.createdAt,
                })),
              )
              .execute(),
          () => 'domain',
        );
      }
    };
    // Tenant and domains land together: inside the caller's transaction if there is one, else in our own.
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }

  async findById(id: string): Promise<Tenant | undefined> {
    const row = await this.db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
    return row ? (await this.withDomains([row]))[0] : undefined;
  }

  async findByDomain(name: string): Promise<Tenant | undefined> {
    const row = await this.db
      .selectFrom('tenants')
      .innerJoin('tenant_domains', 'tenant_domains.tenant_id', 'tenants.id')
      .selectAll('tenants')
      .where('tenant_domains.name', '=', name)
      .executeTakeFirst();
    return row ? (await this.withDomains([row]))[0] : undefined;
  }

  async list(): Promise<Tenant[]> {
    const rows = await this.db.selectFrom('tenants').selectAll().orderBy('created_at').orderBy('id').execute();
    return this.withDomains(rows);
  }

  async count(): Promise<number> {
    const row = await this.db.selectFrom('tenants').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    return Number(row.n);
  }

  private async withDomains(rows: TenantRow[]): Promise<Tenant[]> {
    if (rows.length === 0) return [];
    const domains = await this.db
      .selectFrom('tenant_domains')
      .selectAll()
      .where(
        'tenant_id',
        'in',
        rows.map((r) => r.id),
      )
      .orderBy('is_initial', 'desc')
      .orderBy('created_at')
      .orderBy('name')
      .execute();
    return rows.map((r) => ({
      id: r.id,
      displayName: r.display_name,
      createdAt: r.created_at,
      domains: domains
        .filter((d) => d.tenant_id === r.id)
        .map((d) => ({ name: d.name, isInitial: d.is_initial === 1, isDefault: d.is_default === 1 })),
    }));
  }
}

function toApp(row: AppRow): App {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    displayName: row.display_name,
    roles: parseRoles(row.roles),
    createdAt: row.created_at,
  };
}

function parseRoles(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toSecret(row: AppSecretRow): AppSecret {
  return { id: row.id, appId: row.app_id, hint: row.hint, hash: row.secret_hash, createdAt: row.created_at, expiresAt: row.expires_at };
}

class KyselyAppRepository implements AppRepository {
  constructor(private readonly db: Executor) {}

  async insert(app: App): Promise<void> {
    await mapDuplicates(
      () =>
        this.db
          .insertInto('apps')
          .values({
            id: app.id,
            tenant_id: app.tenantId,
            client_id: app.clientId,
            display_name: app.displayName,
            roles: JSON.stringify(app.roles),
            created_at: app.createdAt,
          })
          .execute(),
      (constraint) => (constraint.includes('client_id') ? 'clientId' : 'appId'),
    );
  }

  async insertSecret(secret: AppSecret): Promise<void> {
    await mapDuplicates(
      () =>
        this.db
          .insertInto('app_secrets')
          .values({
            id: secret.id,
            app_id: secret.appId,
            hint: secret.hint,
            secret_hash: secret.hash,
            created_at: secret.createdAt,
            expires_at: secret.expiresAt,
          })
          .execute(),
      () => 'secretId',
    );
  }

  async findByClientId(tenantId: string, clientId: string): Promise<AppWithSecrets | undefined> {
    const row = await this.db
      .selectFrom('apps')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('client_id', '=', clientId)
      .executeTakeFirst();
    if (!row) return undefined;
    const secrets = await this.db.selectFrom('app_secrets').selectAll().where('app_id', '=', row.id).orderBy('created_at').execute();
    return { ...toApp(row), secrets: secrets.map(toSecret) };
  }

  async listByTenant(tenantId: string): Promise<App[]> {
    const rows = await this.db.selectFrom('apps').selectAll().where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
    return rows.map(toApp);
  }
}

function toSigningKey(row: SigningKeyRow): SigningKeyRecord {
  const jwk: unknown = JSON.parse(row.public_jwk);
  const publicJwk: Record<string, string> = {};
  if (typeof jwk === 'object' && jwk !== null) {
    for (const [k, v] of Object.entries(jwk)) if (typeof v === 'string') publicJwk[k] = v;
  }
  if (row.alg !== 'RS256') throw new Error(`Signing key ${row.kid} uses ${row.alg}; Tarmac signs with RS256 only.`);
  return { kid: row.kid, alg: 'RS256', publicJwk, privatePkcs8: row.private_pkcs8, createdAt: row.created_at, retiredAt: row.retired_at };
}

class KyselySigningKeyRepository implements SigningKeyRepository {
  constructor(private readonly db: Executor) {}

  async insert(key: SigningKeyRecord): Promise<void> {
    await mapDuplicates(
      () =>
        this.db
          .insertInto('signing_keys')
          .values({
            kid: key.kid,
            alg: key.alg,
            public_jwk: JSON.stringify(key.publicJwk),
            private_pkcs8: key.privatePkcs8,
            created_at: key.createdAt,
            retired_at: key.retiredAt,
          })
          .execute(),
      () => 'kid',
    );
  }

  async list(): Promise<SigningKeyRecord[]> {
    const rows = await this.db.selectFrom('signing_keys').selectAll().orderBy('created_at', 'desc').orderBy('kid').execute();
    return rows.map(toSigningKey);
  }
}
