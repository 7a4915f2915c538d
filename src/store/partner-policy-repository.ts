// Partner Center configuration policies (PartnerPolicyRepository, src/partners/ports.ts) and which of a customer's
// Autopilot devices each is applied to (autopilot_devices.partner_policy_id). A policy's devicesAssignedCount is
// counted through the partial index autopilot_devices_partner_policy (tenant, policy), never by reading the tenant.
import type { Selectable } from 'kysely';
import { POLICY_SETTINGS, type PartnerPolicy, type PartnerPolicyRepository, type PartnerPolicyWithCount, type PolicySetting } from '../partners/ports.js';
import { chunks } from './chunks.js';
import { atomically, IN_CHUNK, type Executor } from './executor.js';
import type { PartnerPoliciesTable } from './schema.js';

function settingsFromColumn(text: string): PolicySetting[] {
  const parsed: unknown = JSON.parse(text);
  if (!Array.isArray(parsed)) return [];
  return parsed.filter((s): s is PolicySetting => (POLICY_SETTINGS as readonly unknown[]).includes(s));
}

function policyFromRow(row: Selectable<PartnerPoliciesTable>, devicesAssignedCount: number): PartnerPolicyWithCount {
  return {
    id: row.id,
    customerTenantId: row.customer_tenant_id,
    createdByTenantId: row.created_by_tenant_id,
    name: row.name,
    category: 'o_o_b_e',
    description: row.description,
    settings: settingsFromColumn(row.settings),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    devicesAssignedCount,
  };
}

export class KyselyPartnerPolicyRepository implements PartnerPolicyRepository {
  constructor(private readonly db: Executor) {}

  async insert(p: PartnerPolicy): Promise<void> {
    await this.db
      .insertInto('partner_policies')
      .values({
        id: p.id,
        customer_tenant_id: p.customerTenantId,
        created_by_tenant_id: p.createdByTenantId,
        name: p.name,
        category: p.category,
        description: p.description,
        settings: JSON.stringify(p.settings),
        created_at: p.createdAt,
        updated_at: p.updatedAt,
      })
      .execute();
  }

  async find(customerTenantId: string, id: string): Promise<PartnerPolicyWithCount | undefined> {
    const row = await this.db
      .selectFrom('partner_policies')
      .selectAll()
      .where('customer_tenant_id', '=', customerTenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (!row) return undefined;
    const counts = await this.countDevices(customerTenantId, [row.id]);
    return policyFromRow(row, counts.get(row.id) ?? 0);
  }

  async list(customerTenantId: string): Promise<PartnerPolicyWithCount[]> {
    const rows = await this.db
      .selectFrom('partner_policies')
      .selectAll()
      .where('customer_tenant_id', '=', customerTenantId)
      .orderBy('created_at')
      .orderBy('id')
      .execute();
    const counts = await this.countDevices(
      customerTenantId,
      rows.map((r) => r.id),
    );
    return rows.map((row) => policyFromRow(row, counts.get(row.id) ?? 0));
  }

  async update(p: PartnerPolicy): Promise<void> {
    await this.db
      .updateTable('partner_policies')
      .set({ name: p.name, description: p.description, settings: JSON.stringify(p.settings), updated_at: p.updatedAt })
      .where('customer_tenant_id', '=', p.customerTenantId)
      .where('id', '=', p.id)
      .execute();
  }

  async delete(customerTenantId: string, id: string): Promise<boolean> {
    let deleted = false;
    await atomically(this.db, async (trx) => {
      const result = await trx.deleteFrom('partner_policies').where('customer_tenant_id', '=', customerTenantId).where('id', '=', id).executeTakeFirst();
      deleted = Number(result.numDeletedRows) > 0;
      if (!deleted) return;
      await trx
        .updateTable('autopilot_devices')
        .set({ partner_policy_id: null })
        .where('tenant_id', '=', customerTenantId)
        .where('partner_policy_id', '=', id)
        .execute();
    });
    return deleted;
  }

  async applyToDevices(customerTenantId: string, deviceIds: string[], policyId: string | null, now: string): Promise<number> {
    let changed = 0;
    await atomically(this.db, async (trx) => {
      for (const part of chunks([...new Set(deviceIds)], IN_CHUNK)) {
        const result = await trx
          .updateTable('autopilot_devices')
          .set({ partner_policy_id: policyId, updated_at: now })
          .where('tenant_id', '=', customerTenantId)
          .where('id', 'in', part)
          .executeTakeFirst();
        changed += Number(result.numUpdatedRows);
      }
    });
    return changed;
  }

  /** Devices per policy, for these policies of the customer (through the partial index on tenant and policy). */
  private async countDevices(customerTenantId: string, policyIds: string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>();
    for (const part of chunks(policyIds, IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('autopilot_devices')
        .select(['partner_policy_id', (eb) => eb.fn.countAll<number | string | bigint>().as('n')])
        .where('tenant_id', '=', customerTenantId)
        .where('partner_policy_id', 'is not', null)
        .where('partner_policy_id', 'in', part)
        .groupBy('partner_policy_id')
        .execute();
      for (const row of rows) if (row.partner_policy_id !== null) counts.set(row.partner_policy_id, Number(row.n));
    }
    return counts;
  }
}
