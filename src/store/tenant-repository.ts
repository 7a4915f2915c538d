// Tenants and their domains (TenantRepository, src/tenants/ports.ts) on Kysely.
import type { Tenant, TenantKind, TenantRepository } from '../tenants/ports.js';
import { mapDuplicates } from './errors.js';
import { atomically, type Executor } from './executor.js';
import type { TenantRow } from './schema.js';

export class KyselyTenantRepository implements TenantRepository {
  constructor(private readonly db: Executor) {}

  async insert(tenant: Tenant): Promise<void> {
    const write = async (trx: Executor): Promise<void> => {
      await mapDuplicates(
        () => trx.insertInto('tenants').values({ id: tenant.id, display_name: tenant.displayName, kind: tenant.kind, created_at: tenant.createdAt }).execute(),
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
    await atomically(this.db, write);
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
      kind: r.kind as TenantKind,
      createdAt: r.created_at,
      domains: domains
        .filter((d) => d.tenant_id === r.id)
        .map((d) => ({ name: d.name, isInitial: d.is_initial === 1, isDefault: d.is_default === 1 })),
    }));
  }
}
