// The registry domain's storage (src/registry/ports.ts) on Kysely, for SQLite and PostgreSQL.
//
// Concurrency: SQLite transactions start with BEGIN IMMEDIATE (database.ts), so every transaction here runs alone.
// On PostgreSQL the worker's claim skips rows another worker has locked, `leased()` locks the rows it returns, and a
// unique violation on an identity key (a concurrent registration of the same hardware) becomes KeyTakenError so the
// domain retries and then sees the owner.
import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import {
  KeyTakenError,
  type AutopilotDevice,
  type AutopilotSettings,
  type DevicePatch,
  type DeviceRepository,
  type EnrollmentState,
  type EntraDevice,
  type EntraDevicePatch,
  type EntraDeviceRepository,
  type IdentityKey,
  type IdentityKeyRepository,
  type ImportOutcome,
  type ImportRepository,
  type ImportStatus,
  type ImportedDevice,
  type KeyOwner,
  type Page,
  type PageRequest,
  type ProfileAssignmentStatus,
  type RemediationState,
  type Registration,
  type RegistryStore,
  type SettingsRepository,
  type SyncStatus,
  type UserlessEnrollmentStatus,
} from '../registry/ports.js';
import { KyselyDirectoryRepository } from './directory-store.js';
import { engineOf } from './engine.js';
import { KyselyIntuneRepository } from './intune-store.js';
import { KyselyProfileRepository } from './profile-store.js';
import { isUniqueViolation } from './errors.js';
import { WAITING_IMPORT_PREDICATE } from './migrations/0004-import-queue.js';
import type { AutopilotDevicesTable, DatabaseSchema, EntraDevicesTable, ImportedDeviceIdentitiesTable } from './schema.js';
import { chunks, keyChunks } from './chunks.js';

/** The database or an open transaction on it: every repository runs on either. */
export type Executor = Kysely<DatabaseSchema> | Transaction<DatabaseSchema>;

const UNPROCESSED: ImportStatus[] = ['unknown', 'pending'];

/** Rows per multi-row INSERT: well under PostgreSQL's 65535 bind parameters for the widest table. */
const INSERT_CHUNK = 500;
/** Values per IN (…) list. */
const IN_CHUNK = 1000;

export function createRegistryStore(db: Kysely<DatabaseSchema>): RegistryStore {
  return storeOn(db, engineOf(db) === 'postgres');
}

function storeOn(executor: Executor, postgres: boolean): RegistryStore {
  const store: RegistryStore = {
    imports: new KyselyImportRepository(executor, postgres),
    devices: new KyselyDeviceRepository(executor),
    identityKeys: new KyselyIdentityKeyRepository(executor),
    entra: new KyselyEntraDeviceRepository(executor),
    settings: new KyselySettingsRepository(executor, postgres),
    directory: new KyselyDirectoryRepository(executor, postgres),
    profiles: new KyselyProfileRepository(executor, postgres),
    intune: new KyselyIntuneRepository(executor, postgres),
    async transaction<T>(work: (s: RegistryStore) => Promise<T>): Promise<T> {
      if (executor.isTransaction) return work(store);
      return executor.transaction().execute((trx) => work(storeOn(trx, postgres)));
    },
  };
  return store;
}


/** Keyset page over rows ordered by id: fetch top+1 to know whether more follow. */
function pageOf<T extends { id: string }>(rows: T[], top: number, count: number | undefined): Page<T> {
  const items = rows.slice(0, top);
  const last = items.at(-1);
  return { items, nextAfterId: rows.length > top && last ? last.id : undefined, count };
}

function asBuffer(value: Buffer | Uint8Array | null): Buffer | null {
  if (value === null) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

// ---- imported device identities ----------------------------------------------------------------------------------

type ImportRow = Selectable<ImportedDeviceIdentitiesTable>;

/** An imported_device_identities row as the domain's ImportedDevice (for list queries built elsewhere). */
export function toImported(row: ImportRow): ImportedDevice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    importId: row.import_id,
    groupTag: row.group_tag,
    serialNumber: row.serial_number,
    productKey: row.product_key,
    hardwareIdentifier: asBuffer(row.hardware_identifier),
    assignedUserPrincipalName: row.assigned_user_principal_name,
    status: row.import_status as ImportStatus,
    deviceRegistrationId: row.device_registration_id,
    deviceErrorCode: Number(row.device_error_code),
    deviceErrorName: row.device_error_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

class KyselyImportRepository implements ImportRepository {
  constructor(
    private readonly db: Executor,
    private readonly postgres: boolean,
  ) {}

  async insertMany(rows: ImportedDevice[]): Promise<void> {
    const write = async (trx: Executor): Promise<void> => {
      for (const part of chunks(rows, INSERT_CHUNK)) {
        await trx
          .insertInto('imported_device_identities')
          .values(
            part.map((r) => ({
              id: r.id,
              tenant_id: r.tenantId,
              import_id: r.importId,
              group_tag: r.groupTag,
              serial_number: r.serialNumber,
              product_key: r.productKey,
              hardware_identifier: r.hardwareIdentifier,
              assigned_user_principal_name: r.assignedUserPrincipalName,
              import_status: r.status,
              device_registration_id: r.deviceRegistrationId,
              device_error_code: r.deviceErrorCode,
              device_error_name: r.deviceErrorName,
              lease_until: null,
              created_at: r.createdAt,
              updated_at: r.updatedAt,
            })),
          )
          .execute();
      }
    };
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }

  async find(tenantId: string, id: string): Promise<ImportedDevice | undefined> {
    const row = await this.db
      .selectFrom('imported_device_identities')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? toImported(row) : undefined;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<ImportedDevice>> {
    let query = this.db.selectFrom('imported_device_identities').selectAll().where('tenant_id', '=', tenantId);
    if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
    const rows = await query.orderBy('id').limit(page.top + 1).execute();
    let count: number | undefined;
    if (page.count) {
      const r = await this.db
        .selectFrom('imported_device_identities')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      count = Number(r.n);
    }
    return pageOf(rows.map(toImported), page.top, count);
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    const result = await this.db.deleteFrom('imported_device_identities').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async claim(owner: string, limit: number, now: string, leaseUntil: string): Promise<number> {
    let candidates = this.db
      .selectFrom('imported_device_identities')
      .select('id')
      // Literal, not bound parameters: the partial index imported_device_identities_waiting (migration 0004) covers
      // this predicate only when the planner can see the same constants.
      .where(sql<boolean>`${sql.raw(WAITING_IMPORT_PREDICATE)}`)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('created_at')
      .orderBy('id')
      .limit(limit);
    if (this.postgres) candidates = candidates.forUpdate().skipLocked();
    const result = await this.db
      .updateTable('imported_device_identities')
      .set((eb) => ({ lease_owner: owner, lease_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', candidates)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  async leased(owner: string): Promise<(ImportedDevice & { attempts: number })[]> {
    let query = this.db
      .selectFrom('imported_device_identities')
      .selectAll()
      .where('lease_owner', '=', owner)
      .where('import_status', 'in', UNPROCESSED)
      .orderBy('created_at')
      .orderBy('id');
    if (this.postgres) query = query.forUpdate();
    const rows = await query.execute();
    return rows.map((r) => ({ ...toImported(r), attempts: Number(r.attempts) }));
  }

  async settle(outcomes: ImportOutcome[], now: string): Promise<void> {
    // Few statements, not one per row: rows that share an outcome (an error code) are one UPDATE … WHERE id IN;
    // completed rows are one UPDATE per chunk with the registration id picked by a CASE on the row id.
    const released = { lease_owner: null, lease_until: null, updated_at: now };
    const errors = new Map<string, ImportOutcome[]>();
    const completed: ImportOutcome[] = [];
    for (const o of outcomes) {
      if (o.status === 'complete' && o.deviceRegistrationId !== null) completed.push(o);
      else {
        const key = `${o.status}|${o.deviceErrorCode}|${o.deviceErrorName}`;
        const group = errors.get(key);
        if (group) group.push(o);
        else errors.set(key, [o]);
      }
    }
    for (const group of errors.values()) {
      const { status, deviceErrorCode, deviceErrorName } = group[0];
      for (const part of chunks(group, IN_CHUNK)) {
        await this.db
          .updateTable('imported_device_identities')
          .set({ ...released, import_status: status, device_registration_id: null, device_error_code: deviceErrorCode, device_error_name: deviceErrorName })
          .where(
            'id',
            'in',
            part.map((o) => o.id),
          )
          .execute();
      }
    }
    for (const part of chunks(completed, 250)) {
      const registrationId = sql<string>`case id ${sql.join(
        part.map((o) => sql`when ${o.id} then ${o.deviceRegistrationId}`),
        sql` `,
      )} end`;
      await this.db
        .updateTable('imported_device_identities')
        .set({ ...released, import_status: 'complete', device_registration_id: registrationId, device_error_code: 0, device_error_name: '' })
        .where(
          'id',
          'in',
          part.map((o) => o.id),
        )
        .execute();
    }
  }

  async countUnprocessed(tenantId: string): Promise<number> {
    const r = await this.db
      .selectFrom('imported_device_identities')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('import_status', 'in', UNPROCESSED)
      .where('tenant_id', '=', tenantId)
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }
}

// ---- Autopilot devices --------------------------------------------------------------------------------------------

type DeviceRow = Selectable<AutopilotDevicesTable>;

/** An autopilot_devices row as the domain's AutopilotDevice (for list queries built elsewhere). */
export function toDevice(row: DeviceRow): AutopilotDevice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    productKey: row.product_key,
    manufacturer: row.manufacturer,
    model: row.model,
    groupTag: row.group_tag,
    purchaseOrderIdentifier: row.purchase_order_identifier,
    enrollmentState: row.enrollment_state as EnrollmentState,
    lastContactedAt: row.last_contacted_at,
    addressableUserName: row.addressable_user_name,
    userPrincipalName: row.user_principal_name,
    displayName: row.display_name,
    resourceName: row.resource_name,
    skuNumber: row.sku_number,
    systemFamily: row.system_family,
    azureAdDeviceId: row.azure_ad_device_id,
    managedDeviceId: row.managed_device_id,
    userlessEnrollmentStatus: row.userless_enrollment_status as UserlessEnrollmentStatus,
    deploymentProfileId: row.deployment_profile_id,
    intendedDeploymentProfileId: row.intended_deployment_profile_id,
    deploymentProfileAssignmentStatus: row.deployment_profile_assignment_status as ProfileAssignmentStatus,
    deploymentProfileAssignedAt: row.deployment_profile_assigned_at,
    deliveredProfileId: row.delivered_profile_id,
    remediationState: row.remediation_state as RemediationState,
    remediationStateModifiedAt: row.remediation_state_modified_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

class KyselyDeviceRepository implements DeviceRepository {
  constructor(private readonly db: Executor) {}

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
              created_at: d.createdAt,
              updated_at: d.updatedAt,
            })),
          )
          .execute();
        await trx
          .insertInto('autopilot_device_hashes')
          .values(part.map((r) => ({ device_id: r.device.id, hardware_hash: r.hardwareHash })))
          .execute();
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
        if (entras.length > 0) await trx.insertInto('entra_devices').values(entras.map(entraRowOf)).execute();
        const physical = entras.flatMap((e) => e.physicalIds.map((value) => ({ entra_device_id: e.id, tenant_id: e.tenantId, value })));
        for (const p of chunks(physical, INSERT_CHUNK)) await trx.insertInto('entra_device_physical_ids').values(p).execute();
      }
    };
    if (this.db.isTransaction) await write(this.db);
    else await this.db.transaction().execute(write);
  }

  async find(tenantId: string, id: string): Promise<AutopilotDevice | undefined> {
    const row = await this.db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? toDevice(row) : undefined;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<AutopilotDevice>> {
    let query = this.db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', tenantId);
    if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
    const rows = await query.orderBy('id').limit(page.top + 1).execute();
    let count: number | undefined;
    if (page.count) {
      const r = await this.db
        .selectFrom('autopilot_devices')
        .select((eb) => eb.fn.countAll().as('n'))
        .where('tenant_id', '=', tenantId)
        .executeTakeFirstOrThrow();
      count = Number(r.n);
    }
    return pageOf(rows.map(toDevice), page.top, count);
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
    return rows.map(toDevice);
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
    await this.db.updateTable('autopilot_device_hashes').set({ hardware_hash: hardwareHash }).where('device_id', '=', id).execute();
    await this.db.deleteFrom('device_identity_keys').where('tenant_id', '=', tenantId).where('device_id', '=', id).execute();
    if (keys.length === 0) return;
    try {
      await this.db
        .insertInto('device_identity_keys')
        .values(keys.map((k) => ({ kind: k.kind, value: k.value, tenant_id: tenantId, device_id: id, created_at: now })))
        .execute();
    } catch (err) {
      if (isUniqueViolation(err)) throw new KeyTakenError('An identity key of the new hardware is registered to another device', { cause: err });
      throw err;
    }
  }

  async delete(tenantId: string, id: string): Promise<boolean> {
    // Hash and identity keys go by ON DELETE CASCADE; the Entra object's link by ON DELETE SET NULL.
    const result = await this.db.deleteFrom('autopilot_devices').where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

class KyselyIdentityKeyRepository implements IdentityKeyRepository {
  constructor(private readonly db: Executor) {}

  async owners(keys: IdentityKey[]): Promise<KeyOwner[]> {
    // By (kind, value), the primary key: `value IN (…)` alone cannot use it and read the whole table per lookup.
    const out: KeyOwner[] = [];
    for (const part of keyChunks(keys, IN_CHUNK)) {
      const rows = await this.db
        .selectFrom('device_identity_keys')
        .select(['kind', 'value', 'tenant_id', 'device_id'])
        .where((eb) => eb.or([...part].map(([kind, values]) => eb.and([eb('kind', '=', kind), eb('value', 'in', values)]))))
        .execute();
      for (const r of rows) out.push({ kind: r.kind, value: r.value, tenantId: r.tenant_id, deviceId: r.device_id });
    }
    return out;
  }
}

// ---- Entra devices --------------------------------------------------------------------------------------------------

type EntraRow = Selectable<EntraDevicesTable>;

/** entra_devices rows with their physicalIds, as the domain's EntraDevice (for list queries built elsewhere). */
export function toEntraDevices(db: Kysely<DatabaseSchema>, rows: EntraRow[]): Promise<EntraDevice[]> {
  return new KyselyEntraDeviceRepository(db).withPhysicalIds(rows);
}

function entraRowOf(e: EntraDevice): Insertable<EntraDevicesTable> {
  return {
    id: e.id,
    tenant_id: e.tenantId,
    device_id: e.deviceId,
    display_name: e.displayName,
    operating_system: e.operatingSystem,
    operating_system_version: e.operatingSystemVersion,
    account_enabled: e.accountEnabled ? 1 : 0,
    trust_type: e.trustType,
    profile_type: e.profileType,
    enrollment_profile_name: e.enrollmentProfileName,
    autopilot_device_id: e.autopilotDeviceId,
    device_ownership: e.deviceOwnership,
    is_managed: e.isManaged ? 1 : 0,
    management_type: e.managementType,
    mdm_app_id: e.mdmAppId,
    approximate_last_sign_in_at: e.approximateLastSignInAt,
    created_at: e.createdAt,
    updated_at: e.updatedAt,
  };
}

class KyselyEntraDeviceRepository implements EntraDeviceRepository {
  constructor(private readonly db: Executor) {}

  async create(device: EntraDevice): Promise<void> {
    await this.db.insertInto('entra_devices').values(entraRowOf(device)).execute();
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
    return rows.map((r) => ({
      id: r.id,
      tenantId: r.tenant_id,
      deviceId: r.device_id,
      displayName: r.display_name,
      operatingSystem: r.operating_system,
      operatingSystemVersion: r.operating_system_version,
      accountEnabled: Number(r.account_enabled) === 1,
      trustType: r.trust_type,
      profileType: r.profile_type,
      enrollmentProfileName: r.enrollment_profile_name,
      autopilotDeviceId: r.autopilot_device_id,
      physicalIds: sortPhysicalIds(byDevice.get(r.id) ?? []),
      deviceOwnership: r.device_ownership,
      isManaged: Number(r.is_managed) === 1,
      managementType: r.management_type,
      mdmAppId: r.mdm_app_id,
      approximateLastSignInAt: r.approximate_last_sign_in_at,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    }));
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

  async list(tenantId: string, page: PageRequest): Promise<Page<EntraDevice>> {
    let query = this.db.selectFrom('entra_devices').selectAll().where('tenant_id', '=', tenantId);
    if (page.afterId !== undefined) query = query.where('id', '>', page.afterId);
    const rows = await query.orderBy('id').limit(page.top + 1).execute();
    let count: number | undefined;
    if (page.count) {
      const r = await this.db.selectFrom('entra_devices').select((eb) => eb.fn.countAll().as('n')).where('tenant_id', '=', tenantId).executeTakeFirstOrThrow();
      count = Number(r.n);
    }
    return pageOf(await this.withPhysicalIds(rows), page.top, count);
  }

  async replacePhysicalIds(tenantId: string, id: string, prefixes: string[], values: string[], now: string): Promise<void> {
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
    await this.db.updateTable('entra_devices').set({ updated_at: now }).where('id', '=', id).execute();
  }

  async delete(tenantId: string, id: string): Promise<void> {
    await this.db.deleteFrom('entra_devices').where('tenant_id', '=', tenantId).where('id', '=', id).execute();
  }
}

/** [ZTDID] first, then [OrderID], [PurchaseOrderId], then the rest alphabetically: a stable order for clients. */
function sortPhysicalIds(values: string[]): string[] {
  const rank = (v: string): number => (v.startsWith('[ZTDID]') ? 0 : v.startsWith('[OrderID]') ? 1 : v.startsWith('[PurchaseOrderId]') ? 2 : 3);
  return values.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

// ---- windowsAutopilotSettings -------------------------------------------------------------------------------------

class KyselySettingsRepository implements SettingsRepository {
  constructor(
    private readonly db: Executor,
    private readonly postgres: boolean,
  ) {}

  async get(tenantId: string): Promise<AutopilotSettings | undefined> {
    const row = await this.db.selectFrom('autopilot_settings').selectAll().where('tenant_id', '=', tenantId).executeTakeFirst();
    return row
      ? { tenantId, syncStatus: row.sync_status as SyncStatus, lastSyncAt: row.last_sync_at, lastManualSyncTriggerAt: row.last_manual_sync_trigger_at }
      : undefined;
  }

  async lock(tenantId: string): Promise<AutopilotSettings> {
    await this.db
      .insertInto('autopilot_settings')
      .values({ tenant_id: tenantId, last_sync_at: null, last_manual_sync_trigger_at: null })
      .onConflict((oc) => oc.column('tenant_id').doNothing())
      .execute();
    let query = this.db.selectFrom('autopilot_settings').selectAll().where('tenant_id', '=', tenantId);
    if (this.postgres) query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    return { tenantId, syncStatus: row.sync_status as SyncStatus, lastSyncAt: row.last_sync_at, lastManualSyncTriggerAt: row.last_manual_sync_trigger_at };
  }

  async save(settings: AutopilotSettings): Promise<void> {
    await this.db
      .updateTable('autopilot_settings')
      .set({ sync_status: settings.syncStatus, last_sync_at: settings.lastSyncAt, last_manual_sync_trigger_at: settings.lastManualSyncTriggerAt })
      .where('tenant_id', '=', settings.tenantId)
      .execute();
  }

  async inProgress(): Promise<string[]> {
    const rows = await this.db.selectFrom('autopilot_settings').select('tenant_id').where('sync_status', '=', 'inProgress').execute();
    return rows.map((r) => r.tenant_id);
  }
}
