// Autopilot devices (DeviceRepository, src/registry/ports.ts) on Kysely: a registration writes the device, its hash,
// its identity keys (unique across all tenants) and its pre-created Entra object in one go.
//
// A unique violation on an identity key (a concurrent registration of the same hardware in another process) becomes
// KeyTakenError, so the domain retries and then sees the owner.
import type { AutopilotDevice, IdentityKey, ListPage, ListQuery } from '../model/index.js';
import { KeyTakenError, type AttachedHardwareFields, type DevicePatch, type DeviceRepository, type Registration } from '../registry/ports.js';
import { chunks } from './chunks.js';
import type { Engine } from './engine.js';
import { isUniqueViolation } from './errors.js';
import { atomically, INSERT_CHUNK, type Executor } from './executor.js';
import { listPage } from './list-query/compile.js';
import { asBuffer, autopilotDeviceFromRow, entraDeviceRowOf } from './row-mappers.js';

export class KyselyDeviceRepository implements DeviceRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async register(registrations: Registration[]): Promise<void> {
    const write = async (trx: Executor): Promise<void> => {
      for (const part of chunks(registrations, INSERT_CHUNK)) {
        await trx
          .insertInto('autopilot_devices')
          .values(
            part.map(({ device: d }) => ({
              id: d.id,
              tenant_id: d.tenantId,
              serial_number: d.serialNumber,
              product_key: d.productKey,
              manufacturer: d.manufacturer,
              model: d.model,
              group_tag: d.groupTag,
              purchase_order_identifier: d.purchaseOrderIdentifier,
              enrollment_state: d.enrollmentState,
              last_contacted_at: d.lastContactedAt,
              addressable_user_name: d.addressableUserName,
              user_principal_name: d.userPrincipalName,
              display_name: d.displayName,
              resource_name: d.resourceName,
              sku_number: d.skuNumber,
              system_family: d.systemFamily,
              azure_ad_device_id: d.azureAdDeviceId,
              managed_device_id: d.managedDeviceId,
              userless_enrollment_status: d.userlessEnrollmentStatus,
              registered_by: d.registeredBy,
              registered_by_tenant_id: d.registeredByTenantId,
              partner_batch_id: d.partnerBatchId,
              partner_policy_id: d.partnerPolicyId,
              created_at: d.createdAt,
              updated_at: d.updatedAt,
            })),
          )
          .execute();
        // A partner or OEM registration by PKID or tuple has no hash (yet): no row until its first boot.
        const hashes = part.flatMap((r) => (r.hardwareHash === null ? [] : [{ device_id: r.device.id, hardware_hash: r.hardwareHash }]));
        if (hashes.length > 0) await trx.insertInto('autopilot_device_hashes').values(hashes).execute();
        const keys = part.flatMap((r) =>
          r.keys.map((k) => ({ kind: k.kind, value: k.value, tenant_id: r.device.tenantId, device_id: r.device.id, created_at: r.device.createdAt })),
        );
        for (const keyPart of chunks(keys, INSERT_CHUNK)) {
          try {
            await trx.insertInto('device_identity_keys').values(keyPart).execute();
          } catch (err) {
            if (isUniqueViolation(err)) throw new KeyTakenError('An identity key was registered concurrently', { cause: err });
            throw err;
          }
        }
        const entras = part.flatMap(({ entra }) => (entra ? [entra] : []));
        if (entras.length > 0) await trx.insertInto('entra_devices').values(entras.map(entraDeviceRowOf)).execute();
        const physical = entras.flatMap((e) => e.physicalIds.map((value) => ({ entra_device_id: e.id, tenant_id: e.tenantId, value })));
        for (const p of chunks(physical, INSERT_CHUNK)) await trx.insertInto('entra_device_physical_ids').values(p).execute();
      }
    };
    await atomically(this.db, write);
  }

  async find(tenantId: string, id: string): Promise<AutopilotDevice | undefined> {
    const row = await this.db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? autopilotDeviceFromRow(row) : undefined;
  }

  async list(tenantId: string, query: ListQuery): Promise<ListPage<AutopilotDevice>> {
    const base = this.db.selectFrom('autopilot_devices').selectAll('autopilot_devices').where('autopilot_devices.tenant_id', '=', tenantId);
    return listPage(base, query, this.engine, (rows) => rows.map(autopilotDeviceFromRow), { tenantId, db: this.db });
  }

  async findBySerials(tenantId: string, serials: string[]): Promise<AutopilotDevice[]> {
    if (serials.length === 0) return [];
    const rows = await this.db
      .selectFrom('autopilot_devices')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('serial_number', 'in', serials)
      .orderBy('id')
      .execute();
    return rows.map(autopilotDeviceFromRow);
  }

  async update(tenantId: string, id: string, patch: DevicePatch, now: string): Promise<void> {
    await this.db
      .updateTable('autopilot_devices')
      .set({
        ...(patch.groupTag !== undefined ? { group_tag: patch.groupTag } : {}),
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.userPrincipalName !== undefined ? { user_principal_name: patch.userPrincipalName } : {}),
        ...(patch.addressableUserName !== undefined ? { addressable_user_name: patch.addressableUserName } : {}),
        ...(patch.enrollmentState !== undefined ? { enrollment_state: patch.enrollmentState } : {}),
        ...(patch.userlessEnrollmentStatus !== undefined ? { userless_enrollment_status: patch.userlessEnrollmentStatus } : {}),
        ...(patch.lastContactedAt !== undefined ? { last_contacted_at: patch.lastContactedAt } : {}),
        ...(patch.managedDeviceId !== undefined ? { managed_device_id: patch.managedDeviceId } : {}),
        ...(patch.deploymentProfileId !== undefined ? { deployment_profile_id: patch.deploymentProfileId } : {}),
        ...(patch.intendedDeploymentProfileId !== undefined ? { intended_deployment_profile_id: patch.intendedDeploymentProfileId } : {}),
        ...(patch.deploymentProfileAssignmentStatus !== undefined ? { deployment_profile_assignment_status: patch.deploymentProfileAssignmentStatus } : {}),
        ...(patch.deploymentProfileAssignedAt !== undefined ? { deployment_profile_assigned_at: patch.deploymentProfileAssignedAt } : {}),
        ...(patch.deliveredProfileId !== undefined ? { delivered_profile_id: patch.deliveredProfileId } : {}),
        ...(patch.remediationState !== undefined ? { remediation_state: patch.remediationState } : {}),
        ...(patch.remediationStateModifiedAt !== undefined ? { remediation_state_modified_at: patch.remediationStateModifiedAt } : {}),
        updated_at: now,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .execute();
  }

  async hardwareHash(tenantId: string, id: string): Promise<Buffer | undefined> {
    const row = await this.db
      .selectFrom('autopilot_device_hashes')
      .innerJoin('autopilot_devices', 'autopilot_devices.id', 'autopilot_device_hashes.device_id')
      .select('autopilot_device_hashes.hardware_hash')
      .where('autopilot_devices.tenant_id', '=', tenantId)
      .where('autopilot_devices.id', '=', id)
      .executeTakeFirst();
    return row ? (asBuffer(row.hardware_hash) ?? undefined) : undefined;
  }

  async replaceHardware(tenantId: string, id: string, hardwareHash: Buffer, keys: IdentityKey[], now: string): Promise<void> {
    // The hash row has no tenant of its own: without this check another tenant's id would get the hash and the keys.
    const device = await this.db.selectFrom('autopilot_devices').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    if (!device) return;
    // A device registered without a hash has no row to update: the new hash is its first.
    await this.db
      .insertInto('autopilot_device_hashes')
      .values({ device_id: id, hardware_hash: hardwareHash })
      .onConflict((oc) => oc.column('device_id').doUpdateSet({ hardware_hash: hardwareHash }))
      .execute();
    await this.db.deleteFrom('device_identity_keys').where('tenant_id', '=', tenantId).where('device_id', '=', id).execute();
    await insertKeys(this.db, tenantId, id, keys, now);
  }

  async attachHardware(tenantId: string, id: string, hardwareHash: Buffer, keys: IdentityKey[], fields: AttachedHardwareFields, now: string): Promise<boolean> {
    const write = async (trx: Executor): Promise<boolean> => {
      // The hash row has no tenant of its own: without this check another tenant's id would get the hash and the keys.
      const device = await trx.selectFrom('autopilot_devices').select('id').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
      if (!device) return false;
      // The hash row's primary key decides between two concurrent first boots: the second inserts nothing (on
      // PostgreSQL it waits for the first to commit) and changes nothing else.
      const inserted = await trx
        .insertInto('autopilot_device_hashes')
        .values({ device_id: id, hardware_hash: hardwareHash })
        .onConflict((oc) => oc.column('device_id').doNothing())
        .executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0) return false;
      const held = await trx.selectFrom('device_identity_keys').select(['kind', 'value']).where('device_id', '=', id).execute();
      const holds = new Set(held.map((k) => `${k.kind}:${k.value}`));
      await insertKeys(trx, tenantId, id, keys.filter((k) => !holds.has(`${k.kind}:${k.value}`)), now);
      await trx
        .updateTable('autopilot_devices')
        .set({
          ...(fields.serialNumber !== undefined ? { serial_number: fields.serialNumber } : {}),
          ...(fields.productKey !== undefined ? { product_key: fields.productKey } : {}),
          ...(fields.manufacturer !== undefined ? { manufacturer: fields.manufacturer } : {}),
          ...(fields.model !== undefined ? { model: fields.model } : {}),
          ...(fields.skuNumber !== undefined ? { sku_number: fields.skuNumber } : {}),
          ...(fields.systemFamily !== undefined ? { system_family: fields.systemFamily } : {}),
          updated_at: now,
        })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .execute();
      return true;
    };
    return atomically(this.db, write);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    // Hash and identity keys go by ON DELETE CASCADE; the Entra object's link by ON DELETE SET NULL.
    const result = await this.db.deleteFrom('autopilot_devices').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/** Adds identity keys to a device; a key another device holds rejects with KeyTakenError. */
async function insertKeys(db: Executor, tenantId: string, id: string, keys: IdentityKey[], now: string): Promise<void> {
  if (keys.length === 0) return;
  try {
    await db
      .insertInto('device_identity_keys')
      .values(keys.map((k) => ({ kind: k.kind, value: k.value, tenant_id: tenantId, device_id: id, created_at: now })))
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new KeyTakenError('An identity key of the new hardware is registered to another device', { cause: err });
    throw err;
  }
}
