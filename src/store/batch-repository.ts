// Partner Center device batches (BatchRepository, src/partners/ports.ts): one name per customer, compared without
// case (name_key), with the count of registered devices each holds.
import { BatchNameTakenError, type BatchRepository, type DeviceBatch, type DeviceBatchWithCount } from '../partners/ports.js';
import { isUniqueViolation } from './errors.js';
import type { Executor } from './executor.js';
import type { DeviceBatchesTable } from './schema.js';
import type { Selectable } from 'kysely';
import type { AutopilotDevice } from '../model/index.js';
import { autopilotDeviceFromRow } from './row-mappers.js';

function batchFromRow(row: Selectable<DeviceBatchesTable>): DeviceBatch {
  return { id: row.id, customerTenantId: row.customer_tenant_id, name: row.name, createdByTenantId: row.created_by_tenant_id, createdAt: row.created_at };
}

export class KyselyBatchRepository implements BatchRepository {
  constructor(private readonly db: Executor) {}

  async insert(batch: DeviceBatch): Promise<void> {
    try {
      await this.db
        .insertInto('device_batches')
        .values({
          id: batch.id,
          customer_tenant_id: batch.customerTenantId,
          name: batch.name,
          name_key: batch.name.toLowerCase(),
          created_by_tenant_id: batch.createdByTenantId,
          created_at: batch.createdAt,
        })
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new BatchNameTakenError(`A batch named ${batch.name} already exists for this customer`, { cause: err });
      throw err;
    }
  }

  async findByName(customerTenantId: string, name: string): Promise<DeviceBatch | undefined> {
    const row = await this.db
      .selectFrom('device_batches')
      .selectAll()
      .where('customer_tenant_id', '=', customerTenantId)
      .where('name_key', '=', name.toLowerCase())
      .executeTakeFirst();
    return row ? batchFromRow(row) : undefined;
  }

  async list(customerTenantId: string): Promise<DeviceBatchWithCount[]> {
    const rows = await this.db
      .selectFrom('device_batches as b')
      .selectAll('b')
      .select((eb) =>
        eb
          .selectFrom('autopilot_devices as d')
          .select((c) => c.fn.countAll<number>().as('n'))
          .whereRef('d.tenant_id', '=', 'b.customer_tenant_id')
          .whereRef('d.partner_batch_id', '=', 'b.id')
          .as('devices_count'),
      )
      .where('b.customer_tenant_id', '=', customerTenantId)
      .orderBy('b.created_at')
      .orderBy('b.id')
      .execute();
    return rows.map((row) => ({ ...batchFromRow(row), devicesCount: Number(row.devices_count ?? 0) }));
  }

  async devices(customerTenantId: string, batchId: string, afterId: string | null, limit: number): Promise<AutopilotDevice[]> {
    // Seek on the partial index autopilot_devices_partner_batch (tenant_id, partner_batch_id, id).
    let query = this.db
      .selectFrom('autopilot_devices')
      .selectAll()
      .where('tenant_id', '=', customerTenantId)
      .where('partner_batch_id', '=', batchId)
      .where('registered_by', '=', 'partner');
    if (afterId !== null) query = query.where('id', '>', afterId);
    const rows = await query.orderBy('id').limit(limit).execute();
    return rows.map(autopilotDeviceFromRow);
  }
}
