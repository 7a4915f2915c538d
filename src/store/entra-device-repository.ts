// Entra device objects (EntraDeviceRepository, src/directory/ports.ts) with their physicalIds, one row per value.
import type { Selectable } from 'kysely';
import type { EntraDevicePatch, EntraDeviceRepository } from '../directory/ports.js';
import type { EntraDevice, ListPage, ListQuery } from '../model/index.js';
import { chunks } from './chunks.js';
import type { Engine } from './engine.js';
import { IN_CHUNK, type Executor } from './executor.js';
import { listPage } from './list-query/compile.js';
import { entraDeviceFromRow, entraDeviceRowOf } from './row-mappers.js';
import type { EntraDevicesTable } from './schema.js';

type EntraRow = Selectable<EntraDevicesTable>;

export class KyselyEntraDeviceRepository implements EntraDeviceRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async create(device: EntraDevice): Promise<void> {
    await this.db.insertInto('entra_devices').values(entraDeviceRowOf(device)).execute();
    if (device.physicalIds.length > 0) {
      await this.db
        .insertInto('entra_device_physical_ids')
        .values(device.physicalIds.map((value) => ({ entra_device_id: device.id, tenant_id: device.tenantId, value })))
        .execute();
    }
  }

  async update(tenantId: string, id: string, patch: EntraDevicePatch, now: string): Promise<void> {
    await this.db
      .updateTable('entra_devices')
      .set({
        ...(patch.autopilotDeviceId !== undefined ? { autopilot_device_id: patch.autopilotDeviceId } : {}),
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.accountEnabled !== undefined ? { account_enabled: patch.accountEnabled ? 1 : 0 } : {}),
        ...(patch.operatingSystemVersion !== undefined ? { operating_system_version: patch.operatingSystemVersion } : {}),
        ...(patch.trustType !== undefined ? { trust_type: patch.trustType } : {}),
        ...(patch.profileType !== undefined ? { profile_type: patch.profileType } : {}),
        ...(patch.enrollmentProfileName !== undefined ? { enrollment_profile_name: patch.enrollmentProfileName } : {}),
        ...(patch.deviceOwnership !== undefined ? { device_ownership: patch.deviceOwnership } : {}),
        ...(patch.isManaged !== undefined ? { is_managed: patch.isManaged ? 1 : 0 } : {}),
        ...(patch.managementType !== undefined ? { management_type: patch.managementType } : {}),
        ...(patch.mdmAppId !== undefined ? { mdm_app_id: patch.mdmAppId } : {}),
        ...(patch.approximateLastSignInAt !== undefined ? { approximate_last_sign_in_at: patch.approximateLastSignInAt } : {}),
        updated_at: now,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  /** Rows with their physicalIds, as the domain's EntraDevice. */
  async withPhysicalIds(rows: EntraRow[]): Promise<EntraDevice[]> {
    const byDevice = new Map<string, string[]>();
    for (const part of chunks(rows.map((r) => r.id), IN_CHUNK)) {
      const ids = await this.db
        .selectFrom('entra_device_physical_ids')
        .select(['entra_device_id', 'value'])
        .where('entra_device_id', 'in', part)
        .execute();
      for (const p of ids) {
        const list = byDevice.get(p.entra_device_id) ?? [];
        list.push(p.value);
        byDevice.set(p.entra_device_id, list);
      }
    }
    return rows.map((r) => entraDeviceFromRow(r, byDevice.get(r.id) ?? []));
  }

  async find(tenantId: string, id: string): Promise<EntraDevice | undefined> {
    const row = await this.db.selectFrom('entra_devices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? (await this.withPhysicalIds([row]))[0] : undefined;
  }

  async findByAutopilotDevice(tenantId: string, autopilotDeviceId: string): Promise<EntraDevice | undefined> {
    // The tenant is checked on the rows, not in the WHERE clause: given `tenant_id = ?`, SQLite (no statistics) walks
    // a tenant_id index over every Entra device of the tenant instead of looking the id up in entra_devices_autopilot.
    const rows = await this.db.selectFrom('entra_devices').selectAll().where('autopilot_device_id', '=', autopilotDeviceId).execute();
    const row = rows.find((r) => r.tenant_id === tenantId);
    return row ? (await this.withPhysicalIds([row]))[0] : undefined;
  }

  async list(tenantId: string, query: ListQuery): Promise<ListPage<EntraDevice>> {
    const base = this.db.selectFrom('entra_devices').selectAll('entra_devices').where('entra_devices.tenant_id', '=', tenantId);
    return listPage(base, query, this.engine, (rows) => this.withPhysicalIds(rows));
  }

  async listMembersOf(tenantId: string, groupId: string, query: ListQuery): Promise<ListPage<EntraDevice>> {
    const base = this.db
      .selectFrom('entra_devices')
      .selectAll('entra_devices')
      .where('entra_devices.tenant_id', '=', tenantId)
      .where('entra_devices.id', 'in', (eb) => eb.selectFrom('group_members').select('group_members.member_id').where('group_members.group_id', '=', groupId));
    return listPage(base, query, this.engine, (rows) => this.withPhysicalIds(rows));
  }

  async inIdOrder(tenantId: string, afterId: string | null, limit: number): Promise<EntraDevice[]> {
    let query = this.db.selectFrom('entra_devices').selectAll().where('tenant_id', '=', tenantId);
    if (afterId !== null) query = query.where('id', '>', afterId);
    return this.withPhysicalIds(await query.orderBy('id').limit(limit).execute());
  }

  async replacePhysicalIds(tenantId: string, id: string, prefixes: string[], values: string[], now: string): Promise<void> {
    // First, and scoped to the tenant: another tenant's Entra device gets no physicalIds from here.
    const touched = await this.db.updateTable('entra_devices').set({ updated_at: now }).where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (Number(touched.numUpdatedRows) === 0) return;
    // The tenant is checked on the rows (see findByAutopilotDevice): the primary key (entra_device_id, value) finds them.
    const existing = (
      await this.db.selectFrom('entra_device_physical_ids').select(['value', 'tenant_id']).where('entra_device_id', '=', id).execute()
    ).filter((e) => e.tenant_id === tenantId);
    const stale = existing.map((e) => e.value).filter((v) => prefixes.some((p) => v.startsWith(p)) && !values.includes(v));
    if (stale.length > 0) {
      await this.db.deleteFrom('entra_device_physical_ids').where('entra_device_id', '=', id).where('value', 'in', stale).execute();
    }
    const have = new Set(existing.map((e) => e.value));
    const fresh = values.filter((v) => !have.has(v));
    if (fresh.length > 0) {
      await this.db
        .insertInto('entra_device_physical_ids')
        .values(fresh.map((value) => ({ entra_device_id: id, tenant_id: tenantId, value })))
        .execute();
    }
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.deleteFrom('entra_devices').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
}
