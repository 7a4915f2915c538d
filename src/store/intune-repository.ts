// Intune managed devices and the hardware keys of objects made from a hash (IntuneRepository, src/intune/ports.ts) on
// Kysely. Neighbour keys have no foreign key: they are deleted with their object, explicitly.
import { sql } from 'kysely';
import type { IntuneRepository, NeighbourKeyHolder, NeighbourObjectType } from '../intune/ports.js';
import type { IdentityKey, ListPage, ListQuery, ManagedDevice, ManagedDeviceOwnerType } from '../model/index.js';
import { keyChunks } from './chunks.js';
import type { Engine } from './engine.js';
import { IN_CHUNK, type Executor } from './executor.js';
import { listPage } from './list-query/compile.js';
import { managedDeviceFromRow } from './row-mappers.js';

export class KyselyIntuneRepository implements IntuneRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async create(d: ManagedDevice): Promise<void> {
    await this.db
      .insertInto('managed_devices')
      .values({
        id: d.id,
        tenant_id: d.tenantId,
        device_name: d.deviceName,
        managed_device_owner_type: d.managedDeviceOwnerType,
        device_enrollment_type: d.deviceEnrollmentType,
        join_type: d.joinType,
        management_agent: d.managementAgent,
        operating_system: d.operatingSystem,
        os_version: d.osVersion,
        serial_number: d.serialNumber,
        manufacturer: d.manufacturer,
        model: d.model,
        azure_ad_device_id: d.azureAdDeviceId,
        user_principal_name: d.userPrincipalName,
        enrollment_profile_name: d.enrollmentProfileName,
        compliance_state: d.complianceState,
        autopilot_enrolled: d.autopilotEnrolled ? 1 : 0,
        autopilot_device_id: d.autopilotDeviceId,
        enrolled_at: d.enrolledAt,
        last_sync_at: d.lastSyncAt,
        created_at: d.createdAt,
        updated_at: d.updatedAt,
      })
      .execute();
  }

  async find(tenantId: string, id: string): Promise<ManagedDevice | undefined> {
    const row = await this.db.selectFrom('managed_devices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? managedDeviceFromRow(row) : undefined;
  }

  async list(tenantId: string, query: ListQuery): Promise<ListPage<ManagedDevice>> {
    const base = this.db.selectFrom('managed_devices').selectAll('managed_devices').where('managed_devices.tenant_id', '=', tenantId);
    return listPage(base, query, this.engine, (rows) => rows.map(managedDeviceFromRow));
  }

  async touch(tenantId: string, id: string, now: string): Promise<void> {
    await this.db.updateTable('managed_devices').set({ last_sync_at: now, updated_at: now }).where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('managed_devices').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (Number(result.numDeletedRows) === 0) return false;
    await this.deleteHardwareKeys('managedDevice', id);
    return true;
  }

  async entraObjectIdByDeviceId(tenantId: string, deviceId: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('entra_devices')
      .select('id')
      .where('tenant_id', '=', tenantId)
      .where('device_id', '=', deviceId.toLowerCase())
      .executeTakeFirst();
    return row?.id;
  }

  async setHardwareKeys(objectType: NeighbourObjectType, objectId: string, tenantId: string, keys: IdentityKey[], now: string): Promise<void> {
    await this.deleteHardwareKeys(objectType, objectId);
    // One row per kind (the primary key): a hash holds at most one key of each kind.
    const byKind = new Map(keys.map((k) => [k.kind, k.value]));
    if (byKind.size === 0) return;
    await this.db
      .insertInto('neighbour_hardware_keys')
      .values([...byKind].map(([kind, value]) => ({ object_type: objectType, object_id: objectId, tenant_id: tenantId, kind, value, created_at: now })))
      .execute();
  }

  async deleteHardwareKeys(objectType: NeighbourObjectType, objectId: string): Promise<void> {
    await this.db.deleteFrom('neighbour_hardware_keys').where('object_type', '=', objectType).where('object_id', '=', objectId).execute();
  }

  async keyHolders(tenantIds: string[], keys: IdentityKey[]): Promise<NeighbourKeyHolder[]> {
    if (tenantIds.length === 0 || keys.length === 0) return [];
    const tenants = [...new Set(tenantIds)];
    const out: NeighbourKeyHolder[] = [];
    // By (kind, value), the leading columns of neighbour_hardware_keys_key: `value IN (…)` alone read every row.
    for (const part of keyChunks(keys, IN_CHUNK)) {
      // The holder's name and kind come along (left joins on the object type), so the guardrail needs no second query.
      const rows = await this.db
        .selectFrom('neighbour_hardware_keys as k')
        .leftJoin('entra_devices as e', (j) => j.onRef('e.id', '=', 'k.object_id').on('k.object_type', '=', 'entraDevice'))
        .leftJoin('managed_devices as m', (j) => j.onRef('m.id', '=', 'k.object_id').on('k.object_type', '=', 'managedDevice'))
        .select([
          'k.object_type',
          'k.object_id',
          'k.tenant_id',
          'k.kind',
          'k.value',
          'e.display_name',
          'e.trust_type',
          'm.device_name',
          'm.managed_device_owner_type',
        ])
        .where((eb) => eb.or([...part].map(([kind, values]) => eb.and([eb('k.kind', '=', kind), eb('k.value', 'in', values)]))))
        .where('k.tenant_id', 'in', tenants)
        .orderBy(sql`k.object_type`)
        .orderBy('k.object_id')
        .execute();
      for (const r of rows) {
        out.push({
          kind: r.kind,
          value: r.value,
          objectType: r.object_type as NeighbourObjectType,
          objectId: r.object_id,
          tenantId: r.tenant_id,
          name: (r.object_type === 'entraDevice' ? r.display_name : r.device_name) ?? '',
          trustType: r.trust_type ?? null,
          ownerType: (r.managed_device_owner_type as ManagedDeviceOwnerType | null) ?? null,
        });
      }
    }
    return out;
  }
}
