// Relationships between partners (or OEMs) and their customers (RelationshipRepository, src/partners/ports.ts).
import type { Relationship, RelationshipKind, RelationshipRepository } from '../partners/ports.js';
import type { Executor } from './executor.js';
import type { OrganizationRelationshipsTable } from './schema.js';
import type { Selectable } from 'kysely';

function relationshipFromRow(row: Selectable<OrganizationRelationshipsTable>): Relationship {
  return {
    partnerTenantId: row.partner_tenant_id,
    customerTenantId: row.customer_tenant_id,
    kind: row.kind as RelationshipKind,
    delegatedAdmin: Number(row.delegated_admin) === 1,
    acceptedAt: row.accepted_at,
  };
}

export class KyselyRelationshipRepository implements RelationshipRepository {
  constructor(private readonly db: Executor) {}

  async save(r: Relationship): Promise<void> {
    const row = {
      partner_tenant_id: r.partnerTenantId,
      customer_tenant_id: r.customerTenantId,
      kind: r.kind,
      delegated_admin: r.delegatedAdmin ? 1 : 0,
      accepted_at: r.acceptedAt,
    };
    await this.db
      .insertInto('organization_relationships')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['partner_tenant_id', 'customer_tenant_id']).doUpdateSet({ kind: row.kind, delegated_admin: row.delegated_admin, accepted_at: row.accepted_at }),
      )
      .execute();
  }

  async find(partnerTenantId: string, customerTenantId: string): Promise<Relationship | undefined> {
    const row = await this.db
      .selectFrom('organization_relationships')
      .selectAll()
      .where('partner_tenant_id', '=', partnerTenantId)
      .where('customer_tenant_id', '=', customerTenantId)
      .executeTakeFirst();
    return row ? relationshipFromRow(row) : undefined;
  }

  async listByCustomer(customerTenantId: string): Promise<Relationship[]> {
    const rows = await this.db
      .selectFrom('organization_relationships')
      .selectAll()
      .where('customer_tenant_id', '=', customerTenantId)
      .orderBy('accepted_at')
      .orderBy('partner_tenant_id')
      .execute();
    return rows.map(relationshipFromRow);
  }

  async listByPartner(partnerTenantId: string): Promise<Relationship[]> {
    const rows = await this.db
      .selectFrom('organization_relationships')
      .selectAll()
      .where('partner_tenant_id', '=', partnerTenantId)
      .orderBy('accepted_at')
      .orderBy('customer_tenant_id')
      .execute();
    return rows.map(relationshipFromRow);
  }

  async delete(partnerTenantId: string, customerTenantId: string): Promise<boolean> {
    const result = await this.db
      .deleteFrom('organization_relationships')
      .where('partner_tenant_id', '=', partnerTenantId)
      .where('customer_tenant_id', '=', customerTenantId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
