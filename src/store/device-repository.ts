// Autopilot devices (DeviceRepository, src/registry/ports.ts) on Kysely: a registration writes the device, its hash,
// its identity keys (unique across all tenants) and its pre-created Entra object in one go.
//
// A unique violation on an identity key (a concurrent registration of the same hardware in another process) becomes
// KeyTakenError, so the domain retries and then sees the owner.
//
// Lock order. Every write here that touches rows another transaction may touch too takes its locks in one global
// order: device rows (by id), then hash rows (by device id), then identity keys by (kind, value) — the order of
// device_identity_keys' primary key, compared as JavaScript strings, in one sorted list across ALL the devices of
// the call (sorting per device would not do: two batches sharing devices A and B would insert A's keys then B's,
// and B's then A's). A transaction that needs a lock another holds thus only ever waits for one that is ahead of it,
// and two imports of overlapping devices (PostgreSQL) wait for each other instead of deadlocking (40P01). SQLite
// has one writer at a time (BEGIN IMMEDIATE), so there is nothing to order there; the same code runs.
import { hash } from 'node:crypto';
import { CompiledQuery, sql, type ExpressionBuilder } from 'kysely';
import type { AutopilotDevice, IdentityKey, ListPage, ListQuery } from '../model/index.js';
import {
  KeyTakenError,
  type AttachedHardwareFields,
  type BootDevice,
  type DevicePatch,
  type DeviceContact,
  type DeviceRepository,
  type HardwareReplacement,
  type KeyHolding,
  type Registration,
} from '../registry/ports.js';
import { chunks, keyChunks } from './chunks.js';
import type { DatabaseSchema } from './schema.js';
import { CompiledInsert, StatementCache } from './compiled-statements.js';
import type { Engine } from './engine.js';
import { isUniqueViolation } from './errors.js';
import { atomically, IN_CHUNK, INSERT_CHUNK, type Executor } from './executor.js';
import { prepared, readAtOnce, readManyAtOnce, writeWithoutStalling } from './database.js';
import { listPage } from './list-query/compile.js';
import { BOOT_DEVICE_COLUMNS, BOOT_PROFILE_COLUMNS, asBuffer, autopilotDeviceFromRow, bootDeviceFromRow, entraDeviceRowOf, type BootDeviceRow, type DeviceRow } from './row-mappers.js';

/**
 * A registration's INSERTs, each compiled once per shape (compiled-statements.ts); shared by every database, and by the
 * import bench's raw baseline, which inserts the same rows the same way.
 */
export const registrationInserts = {
  devices: new CompiledInsert('autopilot_devices', { oneStatementOnSqlite: true }),
  hashes: new CompiledInsert('autopilot_device_hashes'),
  entraDevices: new CompiledInsert('entra_devices'),
  physicalIds: new CompiledInsert('entra_device_physical_ids'),
  keys: new CompiledInsert('device_identity_keys'),
};

export class KyselyDeviceRepository implements DeviceRepository {
  constructor(
    private readonly db: Executor,
    private readonly engine: Engine,
  ) {}

  async register(registrations: Registration[], replaced: HardwareReplacement[] = []): Promise<void> {
    const replacing = [...replaced].sort((a, b) => compareText(a.deviceId, b.deviceId));
    const write = async (trx: Executor): Promise<void> => {
      // The replaced devices first, each row locked in id order, and still flagged: if a concurrent import remediated
      // one meanwhile, this one is stale (its caller read the device before) and must run again to see it.
      for (const r of replacing) {
        const row = await lockDevice(trx, this.engine, r.tenantId, r.deviceId, 'remediation_state');
        if (row?.remediation_state !== 'manualRemediationRequired') {
          throw new KeyTakenError(`Device ${r.deviceId} was remediated or deleted by a concurrent transaction`);
        }
      }
      for (const part of chunks(registrations, INSERT_CHUNK)) {
        await registrationInserts.devices.run(
          trx,
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
        );
        // A partner or OEM registration by PKID or tuple has no hash (yet): no row until its first boot.
        const hashes = part.flatMap((r) => (r.hardwareHash === null ? [] : [hashRow(r.device.id, r.hardwareHash)]));
        await registrationInserts.hashes.run(trx, hashes);
        const entras = part.flatMap(({ entra }) => (entra ? [entra] : []));
        await registrationInserts.entraDevices.run(trx, entras.map(entraDeviceRowOf));
        const physical = entras.flatMap((e) => e.physicalIds.map((value) => ({ entra_device_id: e.id, tenant_id: e.tenantId, value })));
        for (const p of chunks(physical, INSERT_CHUNK)) await registrationInserts.physicalIds.run(trx, p);
      }
      // The replaced devices' hashes (id order) and their old keys, which their new keys replace.
      for (const r of replacing) {
        const row = hashRow(r.deviceId, r.hardwareHash);
        await trx
          .insertInto('autopilot_device_hashes')
          .values(row)
          .onConflict((oc) => oc.column('device_id').doUpdateSet(row))
          .execute();
        await trx.deleteFrom('device_identity_keys').where('tenant_id', '=', r.tenantId).where('device_id', '=', r.deviceId).execute();
      }
      // The keys last, all of the call's in one key order (see the header): one waits for the other (and gets
      // KeyTakenError) rather than both deadlocking.
      const keys = [
        ...registrations.flatMap((r) => r.keys.map((k) => ({ kind: k.kind, value: k.value, tenant_id: r.device.tenantId, device_id: r.device.id, created_at: r.device.createdAt }))),
        ...replacing.flatMap((r) => r.keys.map((k) => ({ kind: k.kind, value: k.value, tenant_id: r.tenantId, device_id: r.deviceId, created_at: r.at }))),
      ].sort(compareKeys);
      for (const keyPart of chunks(keys, INSERT_CHUNK)) {
        try {
          await registrationInserts.keys.run(trx, keyPart);
        } catch (err) {
          if (isUniqueViolation(err)) throw new KeyTakenError('An identity key was registered concurrently', { cause: err });
          throw err;
        }
      }
    };
    await atomically(this.db, write);
  }

  async find(tenantId: string, id: string): Promise<AutopilotDevice | undefined> {
    const row = await this.db.selectFrom('autopilot_devices').selectAll().where('tenant_id', '=', tenantId).where('id', '=', id).executeTakeFirst();
    return row ? autopilotDeviceFromRow(row) : undefined;
  }

  async holderOfHash(hardwareHash: Buffer): Promise<AutopilotDevice | undefined> {
    this.holderOfHashStatement ??= this.db.selectFrom('autopilot_devices').selectAll().where('id', '=', deviceOfDigest).compile().sql;
    const rows = await rowsOfDigest<DeviceRow>(this.db, this.holderOfHashStatement, hardwareHash);
    return rows[0] ? autopilotDeviceFromRow(rows[0]) : undefined;
  }

  async bootDeviceOfHash(hardwareHash: Buffer): Promise<BootDevice | undefined> {
    if (!this.db.isTransaction) return this.bootLookups.find(digestOf(hardwareHash));
    const rows = await rowsOfDigest<BootDeviceRow>(this.db, (this.bootDeviceStatement ??= bootDeviceStatement(this.db)), hardwareHash);
    return rows[0] ? bootDeviceFromRow(rows[0]) : undefined;
  }

  private holderOfHashStatement: string | undefined;
  /** The boot lookup of one device, compiled once per store: SQLite, and transactions on either engine. */
  private bootDeviceStatement: string | undefined;
  /** PostgreSQL: the boot lookups of one turn of the event loop in one statement (bootDevicesOfDigests). */
  private bootBatchStatement: string | undefined;
  private readonly bootLookups = new BootLookups((digests) =>
    this.engine === 'postgres'
      ? bootDevicesOfDigests(this.db, (this.bootBatchStatement ??= bootBatchStatement(this.db)), digests)
      : bootDevicesInOneRead(this.db, (this.bootDeviceStatement ??= bootDeviceStatement(this.db)), digests),
  );

  /** holdersOf's SQL per shape (how many values of each kind), compiled once: see holdersOf. */
  private readonly holderStatements = new StatementCache(64);

  async holdersOf(keys: IdentityKey[]): Promise<KeyHolding[]> {
    // The keys by (kind, value), the key table's primary key, grouped per holder (so each device and its 4 KB hash
    // come back once, not once per key it holds), then each holder's device and hash by their primary keys.
    // Every PC's call starts here: building and compiling this statement with Kysely cost more than running it, so
    // its SQL is kept per shape and run with the new parameters (checked equal to what Kysely binds, in order).
    const holders = new Map<string, KeyHolding>();
    for (const part of keyChunks(keys, IN_CHUNK)) {
      const shape = [...part.values()].map((values) => values.length).join(',');
      const parameters = [...part].flatMap(([kind, values]) => [kind, ...values]);
      const { rows } = await this.holderStatements.execute(this.db, shape, parameters, () => holdersQuery(this.db, this.engine, part).compile() as CompiledQuery<HolderRow>);
      for (const row of rows) {
        const { held_kinds: kinds, held_hash: hash, ...device } = row;
        const holder = holders.get(device.id);
        const held = kinds.split(',');
        if (holder) {
          for (const kind of held) if (!holder.kinds.includes(kind)) holder.kinds.push(kind);
        } else {
          holders.set(device.id, { device: autopilotDeviceFromRow(device), kinds: [...new Set(held)], hardwareHash: hash === null ? null : asBuffer(hash) });
        }
      }
    }
    return [...holders.values()];
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

  async recordContacts(contacts: DeviceContact[]): Promise<void> {
    if (contacts.length === 0) return;
    // One statement, one commit, however many devices — the device's primary key finds each row.
    //
    // PostgreSQL, outside a caller's transaction: asynchronous commit for contact times only. A WAL flush per batch cost
    // milliseconds per profile download; a crash of the database server may lose the last fraction of a second of
    // contact times (never anything else, and never consistency). set_config(…, true) in the statement itself applies
    // to its own implicit transaction, so this costs no extra round trip; every other write keeps synchronous commit.
    // The same holds for deliveries (deliveredProfileId, assignedInSync): a lost one is written again by the device's
    // next download, which sees that it differs.
    //
    // A contact with a delivery is written even when the device holds a later contact time (that one keeps its time).
    if (this.engine === 'postgres') {
      const asynchronous = !this.db.isTransaction;
      const statement = asynchronous ? (this.contactStatementAsync ??= contactStatement(this.db, true)) : (this.contactStatementSync ??= contactStatement(this.db, false));
      await this.db.executeQuery(CompiledQuery.raw(statement, contactArrays(contacts)));
      return;
    }
    // SQLite: UPDATE … FROM a VALUES list (its columns named column1…), at most INSERT_CHUNK rows a statement; written
    // without stalling the process while another process (`serve --workers`) holds the write lock (writeWithoutStalling,
    // database.ts). delivers and in_sync are integers.
    for (const part of chunks(contacts, INSERT_CHUNK)) {
      const values = sql.join(
        part.map(
          (c) =>
            sql`(${c.tenantId}, ${c.id}, ${c.at}, cast(${c.delivery ? 1 : 0} as integer), ${c.delivery?.profileId ?? null}, cast(${c.delivery?.assignedInSync ? 1 : 0} as integer))`,
        ),
      );
      const update = sql`
        update autopilot_devices set ${CONTACT_ASSIGNMENTS}
        from (
          select column1 as tenant_id, column2 as id, column3 as at, column4 as delivers, column5 as profile_id, column6 as in_sync
          from (values ${values}) as contact
        ) as v
        where ${CONTACT_MATCH}`.compile(this.db);
      await writeWithoutStalling(this.db, update);
    }
  }

  /** PostgreSQL: recordContacts' statements (with and without asynchronous commit), compiled once: contactStatement. */
  private contactStatementAsync: string | undefined;
  private contactStatementSync: string | undefined;

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
    // The device row is locked first (the header's order).
    const device = await lockDevice(this.db, this.engine, tenantId, id, 'id');
    if (!device) return;
    // A device registered without a hash has no row to update: the new hash is its first.
    const row = hashRow(id, hardwareHash);
    await this.db.insertInto('autopilot_device_hashes').values(row).onConflict((oc) => oc.column('device_id').doUpdateSet(row)).execute();
    await this.db.deleteFrom('device_identity_keys').where('tenant_id', '=', tenantId).where('device_id', '=', id).execute();
    await insertKeys(this.db, tenantId, id, keys, now);
  }

  async attachHardware(tenantId: string, id: string, hardwareHash: Buffer, keys: IdentityKey[], fields: AttachedHardwareFields, now: string): Promise<boolean> {
    const write = async (trx: Executor): Promise<boolean> => {
      // The hash row has no tenant of its own: without this check another tenant's id would get the hash and the keys.
      // The device row is locked first (the header's order).
      const device = await lockDevice(trx, this.engine, tenantId, id, 'id');
      if (!device) return false;
      // The hash row's primary key decides between two concurrent first boots: the second inserts nothing (on
      // PostgreSQL it waits for the first to commit) and changes nothing else.
      const inserted = await trx
        .insertInto('autopilot_device_hashes')
        .values(hashRow(id, hardwareHash))
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

/** Adds identity keys to a device, in key order (the header's); a key another device holds rejects with KeyTakenError. */
async function insertKeys(db: Executor, tenantId: string, id: string, keys: IdentityKey[], now: string): Promise<void> {
  if (keys.length === 0) return;
  try {
    await db
      .insertInto('device_identity_keys')
      .values([...keys].sort(compareKeys).map((k) => ({ kind: k.kind, value: k.value, tenant_id: tenantId, device_id: id, created_at: now })))
      .execute();
  } catch (err) {
    if (isUniqueViolation(err)) throw new KeyTakenError('An identity key of the new hardware is registered to another device', { cause: err });
    throw err;
  }
}

/** The device's row (one column of it), locked until the transaction ends on PostgreSQL (SQLite: one writer anyway). */
async function lockDevice<C extends 'id' | 'remediation_state'>(db: Executor, engine: Engine, tenantId: string, id: string, column: C) {
  let query = db.selectFrom('autopilot_devices').select(column).where('tenant_id', '=', tenantId).where('id', '=', id);
  if (engine === 'postgres') query = query.forUpdate();
  return query.executeTakeFirst();
}

/** Code-unit order, the same in every process (not the database's collation: any one total order will do). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Identity keys in the order of device_identity_keys' primary key (kind, value). */
function compareKeys(a: { kind: string; value: string }, b: { kind: string; value: string }): number {
  return compareText(a.kind, b.kind) || compareText(a.value, b.value);
}

type HolderRow = DeviceRow & { held_kinds: string; held_hash: Buffer | Uint8Array | null };

/** holdersOf's statement for one chunk of keys. */
function holdersQuery(db: Executor, engine: Engine, part: Map<string, string[]>) {
  const kindsOf = engine === 'postgres' ? sql<string>`string_agg(kind, ',')` : sql<string>`group_concat(kind, ',')`;
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('device_identity_keys')
        .select(['device_id', 'tenant_id', kindsOf.as('kinds')])
        .where((k) => k.or([...part].map(([kind, values]) => k.and([k('kind', '=', kind), k('value', 'in', values)]))))
        .groupBy(['device_id', 'tenant_id'])
        .as('held'),
    )
    .innerJoin('autopilot_devices', (join) => join.onRef('autopilot_devices.id', '=', 'held.device_id').onRef('autopilot_devices.tenant_id', '=', 'held.tenant_id'))
    .leftJoin('autopilot_device_hashes', 'autopilot_device_hashes.device_id', 'autopilot_devices.id')
    .selectAll('autopilot_devices')
    .select(['held.kinds as held_kinds', 'autopilot_device_hashes.hardware_hash as held_hash']);
}

/**
 * The id of the device whose hash has this digest (holderOfHash, bootDeviceOfHash; parameters: the digest, then 1).
 * The (hash_digest, device_id) index, then the device by its primary key: two index probes, no 4 KB read (the boot
 * lookup adds a third, its deployment profile by (id, tenant)). A scalar subquery, so that PostgreSQL probes the
 * device by its key even before the table has statistics (with a join it hash-joined the whole device table then).
 * Two registrations of one hash cannot both exist (their identity keys would collide; a hash without keys never
 * reaches this lookup): the lowest id all the same.
 *
 * Both statements are compiled once: every PC's boot starts here. The boot lookup is also kept prepared on PostgreSQL
 * (`prepared`, database.ts). holderOfHash is not: it selects `*`, and a connection keeping it prepared across a
 * migration that adds a device column would fail it ("cached plan must not change result type").
 */
function deviceOfDigest(eb: ExpressionBuilder<DatabaseSchema, keyof DatabaseSchema>) {
  return eb.selectFrom('autopilot_device_hashes').select('device_id').where('hash_digest', '=', Buffer.alloc(32)).orderBy('device_id').limit(1);
}

/** The rows of a statement built on deviceOfDigest for this hash: read at once on SQLite outside a transaction, else through Kysely. */
async function rowsOfDigest<R>(db: Executor, statement: string, hardwareHash: Buffer): Promise<R[]> {
  const parameters = [digestOf(hardwareHash), 1];
  return readAtOnce<R>(db, statement, parameters) ?? (await db.executeQuery<R>(CompiledQuery.raw(statement, parameters))).rows;
}

/**
 * The boot lookup's SQL, kept prepared: the device whose hash has the digest, with BOOT_DEVICE_COLUMNS and its
 * profile's columns.
 */
function bootDeviceStatement(db: Executor): string {
  return prepared(
    db
      .selectFrom('autopilot_devices')
      .leftJoin('deployment_profiles', (join) =>
        join.onRef('deployment_profiles.id', '=', 'autopilot_devices.deployment_profile_id').onRef('deployment_profiles.tenant_id', '=', 'autopilot_devices.tenant_id'),
      )
      .select(BOOT_DEVICE_COLUMNS.map((c) => `autopilot_devices.${c}` as const))
      .select(BOOT_PROFILE_COLUMNS.map((c) => `deployment_profiles.${c} as profile_${c}` as const))
      .where('autopilot_devices.id', '=', deviceOfDigest)
      .compile().sql,
  );
}

/**
 * SQLite: the devices whose hashes have these digests, by the single boot lookup for each, all in one read transaction
 * (readManyAtOnce: beginning and ending a read cost as much as the lookup); through Kysely one by one while a
 * transaction holds the connection.
 */
async function bootDevicesInOneRead(db: Executor, statement: string, digests: Buffer[]): Promise<Map<string, BootDevice>> {
  const parameterLists = digests.map((digest) => [digest, 1]);
  const results =
    readManyAtOnce<BootDeviceRow>(db, statement, parameterLists) ??
    (await Promise.all(parameterLists.map(async (parameters) => (await db.executeQuery<BootDeviceRow>(CompiledQuery.raw(statement, parameters))).rows)));
  const found = new Map<string, BootDevice>();
  digests.forEach((digest, i) => {
    const row = results[i]?.[0];
    if (row) found.set(digest.toString('latin1'), bootDeviceFromRow(row));
  });
  return found;
}

/** recordContacts: what a contact sets on its device row (v: the contacts, by tenant_id, id, at, delivers, profile_id, in_sync). */
const CONTACT_ASSIGNMENTS = sql`
  last_contacted_at = case when last_contacted_at is null or last_contacted_at < v.at then v.at else last_contacted_at end,
  delivered_profile_id = case when v.delivers = 1 then v.profile_id else delivered_profile_id end,
  deployment_profile_assignment_status = case when v.in_sync = 1 then 'assignedInSync' else deployment_profile_assignment_status end,
  updated_at = case when updated_at < v.at then v.at else updated_at end`;

/** recordContacts: the rows a contact updates: its device, unless that holds a later contact and this brings no delivery. */
const CONTACT_MATCH = sql`autopilot_devices.tenant_id = v.tenant_id and autopilot_devices.id = v.id
  and (autopilot_devices.last_contacted_at is null or autopilot_devices.last_contacted_at < v.at or v.delivers = 1)`;

/**
 * PostgreSQL: recordContacts as one statement of fixed text whatever the batch holds — its contacts as six arrays,
 * unnested — kept prepared (a named statement: parsed once per connection, then run on a generic plan). A VALUES list
 * has a text per batch size, so each batch was parsed and planned afresh; profile downloads of a first boot are written
 * in batches of a turn's downloads (contact-writer.ts), a few to a few dozen each.
 */
function contactStatement(db: Executor, asynchronous: boolean): string {
  const text = sql`
    update autopilot_devices set ${CONTACT_ASSIGNMENTS}
    from unnest(${[] as string[]}::text[], ${[] as string[]}::text[], ${[] as string[]}::text[], ${[] as number[]}::integer[], ${[] as (string | null)[]}::text[], ${[] as number[]}::integer[])
      as v(tenant_id, id, at, delivers, profile_id, in_sync)
    where ${CONTACT_MATCH}
      ${asynchronous ? sql`and (select set_config('synchronous_commit', 'off', true)) = 'off'` : sql``}`.compile(db).sql;
  return prepared(text);
}

/** contactStatement's parameters: the contacts' columns, one array each, in its order. */
function contactArrays(contacts: DeviceContact[]): unknown[] {
  return [
    contacts.map((c) => c.tenantId),
    contacts.map((c) => c.id),
    contacts.map((c) => c.at),
    contacts.map((c) => (c.delivery ? 1 : 0)),
    contacts.map((c) => c.delivery?.profileId ?? null),
    contacts.map((c) => (c.delivery?.assignedInSync ? 1 : 0)),
  ];
}

/**
 * PostgreSQL: the devices whose hashes have these digests, each row with the digest it was found by. Each digest
 * probes the (hash_digest, device_id) index, then the device by its primary key and its deployment profile, as
 * bootDeviceOfHash does (LATERAL: a nested loop whatever the statistics say). Compiled once per store, and kept
 * prepared like the single lookup.
 */
function bootBatchStatement(db: Executor): string {
  return prepared(
    sql`select q.digest, d.* from unnest(${[Buffer.alloc(32)]}::bytea[]) as q(digest) cross join lateral (
          select ${sql.join(BOOT_DEVICE_COLUMNS.map((c) => sql.ref(`a.${c}`)))}, ${sql.join(BOOT_PROFILE_COLUMNS.map((c) => sql`${sql.ref(`p.${c}`)} as ${sql.id(`profile_${c}`)}`))}
          from autopilot_devices a left join deployment_profiles p on p.id = a.deployment_profile_id and p.tenant_id = a.tenant_id
          where a.id = (select device_id from autopilot_device_hashes where hash_digest = q.digest order by device_id limit 1)) as d`.compile(db).sql,
  );
}

async function bootDevicesOfDigests(db: Executor, statement: string, digests: Buffer[]): Promise<Map<string, BootDevice>> {
  const { rows } = await db.executeQuery<BootDeviceRow & { digest: Buffer }>(CompiledQuery.raw(statement, [digests]));
  return new Map(rows.map((row) => [row.digest.toString('latin1'), bootDeviceFromRow(row)]));
}

/**
 * Group lookup for the read every PC's boot starts with. The lookups asked during one turn of the event loop (the
 * requests read from the sockets together) wait for its end (setImmediate) and run together:
 * - PostgreSQL: as one statement (bootDevicesOfDigests). One statement per lookup cost a round trip each: parsing,
 *   executing and describing in the backend, and the protocol's messages in the client, all on the same cores as the
 *   requests themselves. Several groups may be in flight at once, on different pooled connections.
 * - SQLite: one statement each, in one read transaction (bootDevicesInOneRead).
 *
 * Each caller gets the device as committed when its group's statement ran, which is after it asked: what a statement
 * of its own would have read, or newer. A failed statement rejects its group only. Not for transactions: the caller's
 * transaction runs its own statement (bootDeviceOfHash).
 */
export class BootLookups {
  private gathering = new Map<string, { digest: Buffer; settle: { resolve: (d: BootDevice | undefined) => void; reject: (err: unknown) => void }[] }>();
  private scheduled = false;

  constructor(private readonly lookup: (digests: Buffer[]) => Promise<Map<string, BootDevice>>) {}

  find(digest: Buffer): Promise<BootDevice | undefined> {
    return new Promise((resolve, reject) => {
      const key = digest.toString('latin1');
      const waiting = this.gathering.get(key);
      if (waiting) waiting.settle.push({ resolve, reject });
      else this.gathering.set(key, { digest, settle: [{ resolve, reject }] });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const group = this.gathering;
    this.gathering = new Map();
    for (const part of chunks([...group.values()], BOOT_BATCH_MAX)) {
      this.lookup(part.map((w) => w.digest)).then(
        (found) => {
          for (const w of part) {
            const device = found.get(w.digest.toString('latin1'));
            for (const s of w.settle) s.resolve(device);
          }
        },
        (err: unknown) => {
          for (const w of part) for (const s of w.settle) s.reject(err);
        },
      );
    }
  }
}

/** Digests per grouped boot lookup statement. */
const BOOT_BATCH_MAX = 500;

/** SHA-256 of a registered hash: what holderOfHash finds it by (migration 0014). */
function digestOf(hardwareHash: Buffer): Buffer {
  return hash('sha256', hardwareHash, 'buffer');
}

/** A hash row: the hash and its digest, always written together. */
function hashRow(deviceId: string, hardwareHash: Buffer): { device_id: string; hardware_hash: Buffer; hash_digest: Buffer } {
  return { device_id: deviceId, hardware_hash: hardwareHash, hash_digest: digestOf(hardwareHash) };
}
