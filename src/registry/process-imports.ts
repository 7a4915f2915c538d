// The worker's unit of work: lease a batch of unprocessed import rows, then — in ONE transaction — register each
// device (Autopilot device, hash, identity keys, Entra object) and record every row's outcome. A crash before the
// commit leaves the rows leased but unprocessed; once the lease lapses another run takes them again. A crash after
// it leaves them settled. Either way no device is half-registered and none is registered twice. Before registering,
// the guardrails refuse Entra-registered and MDM-only devices of the same tenant (814, 897); after it, the lifecycle
// hooks put the new Entra objects into their dynamic groups and resolve their profiles.
//
// Concurrency (several workers, in one process or many, on one database): a transaction that loses to a concurrent
// one is rolled back whole and run again at once, in the same call, with the lease still held — it never waits for
// the lease to lapse. Two kinds: another process registered one of the batch's keys between our read and our write
// (KeyTakenError; the next attempt reads the owner and answers 806/808), or the database gave the transaction up
// (WriteConflictError: a deadlock victim, a serialization failure, SQLite busy). Deadlocks should not happen: every
// lock the write phase takes on shared rows is taken in one global order — hash rows and device rows of remediated
// devices by device id, then every identity key the transaction inserts in (kind, value) order, in one sorted list
// across all its devices (DeviceRepository.register) — so a transaction only ever waits for one that is ahead of it.
// The retry stays as the safety net. Each retry is reported (onRetry: the worker logs it); after CONCURRENT_RETRIES
// attempts the error propagates and the rows wait for their lease as before.
//
// Partner (Partner Center) and OEM rows go through the same worker. They may come without a hash: by product key ID
// alone (key `pkid:<digits>`, a serial number beside it changes nothing) or by the (manufacturer, model, serial)
// tuple (key `tuple:<MANUFACTURER|MODEL|SERIAL>`, normalised exactly as the codec normalises a hash's tuple, so a
// hash of the device finds it at OOBE; see src/oobe/identify-device.ts). The device keeps the values as given and
// no hash; 806/808 and the guardrails apply to that key as to any other. A customer row without a hash is refused
// (802), as customers register by hash only.
import { randomUUID } from 'node:crypto';
import { isPlaceholder } from '../hash/index.js';
import { decodeImport } from './decode-import.js';
import { afterDevicesRegistered } from '../lifecycle/index.js';
import { ZTD_ERRORS, type ZtdErrorName } from './errors.js';
import { autopilotPhysicalIds, hashlessKey, keyString } from './identity-keys.js';
import { KeyTakenError, type HardwareReplacement, type ImportOutcome, type ImportedDevice, type KeyOwner, type Registration } from './ports.js';
import { newObjectId, type AutopilotDevice, type EntraDevice, type IdentityKey } from '../model/index.js';
import { WriteConflictError, type Store, type WriteConflictReason } from '../ports.js';
import { guardrailRefusals } from './guardrails.js';
import { newAutopilotDevice, type NewDeviceFields } from './new-device.js';
import { newEntraDevice } from './new-entra-device.js';

export interface ProcessImportsOptions {
  /** This worker's name; each claim's lease token starts with it. */
  owner: string;
  batchSize: number;
  leaseMs: number;
  /** A row leased this many times without settling is given up (StorageError). */
  maxAttempts: number;
  now: () => Date;
  /** Called before the batch's transaction is run again after losing to a concurrent one (see the header). */
  onRetry?: ((retry: BatchRetry) => void) | undefined;
}

/** A batch's transaction lost to a concurrent one and is run again at once. */
export interface BatchRetry {
  /** keyTaken: a key of the batch was registered meanwhile (expected under overlap); the others: see WriteConflictError. */
  reason: 'keyTaken' | WriteConflictReason;
  /** The attempt that failed (1 = the first). */
  attempt: number;
  error: Error;
}

export interface BatchResult {
  /** Rows settled. */
  settled: number;
  /** Tenants whose rows were settled. */
  tenants: string[];
}

/**
 * Attempts of a batch whose transaction lost to a concurrent one (KeyTakenError, WriteConflictError). Each attempt
 * reads the owners afresh; a short random pause before the next (up to 5 ms × attempt) keeps two processes that
 * keep claiming overlapping batches from colliding in lockstep (five attempts without a pause could all lose under
 * heavy overlap, and the batch then waited out its lease).
 */
const CONCURRENT_RETRIES = 20;

/** One batch; settled 0 means there was nothing to do. */
export async function processImportBatch(store: Store, options: ProcessImportsOptions): Promise<BatchResult> {
  const start = options.now();
  // Each claim gets its own lease token (the worker's, plus a fresh suffix), so `leased` finds exactly this batch's
  // rows: on PostgreSQL an index lookup by a token every earlier batch shared walks all their dead index entries too.
  const token = `${options.owner}:${randomUUID()}`;
  const claimed = await store.imports.claim(
    token,
    options.batchSize,
    start.toISOString(),
    new Date(start.getTime() + options.leaseMs).toISOString(),
  );
  if (claimed === 0) return { settled: 0, tenants: [] };
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction((tx) => settleLeased(tx, token, options));
    } catch (err) {
      // Another process registered one of these devices between our read and our write, or the database chose this
      // transaction as a deadlock's victim (or the like): nothing was committed, so run again at once, and see it.
      const reason = err instanceof KeyTakenError ? 'keyTaken' : err instanceof WriteConflictError ? err.reason : undefined;
      if (reason === undefined || attempt >= CONCURRENT_RETRIES) throw err;
      options.onRetry?.({ reason, attempt, error: err as Error });
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
    }
  }
}

interface Candidate {
  row: ImportedDevice;
  keys: IdentityKey[];
  device: Omit<NewDeviceFields, 'id' | 'azureAdDeviceId'>;
  /** Null for a partner or OEM registration by product key ID or tuple. */
  hash: Buffer | null;
}

async function settleLeased(tx: Store, token: string, options: ProcessImportsOptions): Promise<BatchResult> {
  const rows = await tx.imports.leased(token);
  const now = options.now().toISOString();
  const outcomes: ImportOutcome[] = [];
  const candidates: Candidate[] = [];
  for (const row of rows) {
    if (row.attempts > options.maxAttempts) {
      outcomes.push(failure(row, 'StorageError'));
      continue;
    }
    const evaluated = evaluate(row);
    if ('error' in evaluated) outcomes.push(failure(row, evaluated.error));
    else candidates.push(evaluated);
  }

  const owners = new Map<string, KeyOwner>();
  if (candidates.length > 0) {
    for (const owner of await tx.identityKeys.owners(candidates.flatMap((c) => c.keys))) owners.set(keyString(owner), owner);
  }
  const fresh = candidates.filter((c) => !c.keys.some((k) => owners.has(keyString(k))));
  const refusals = await guardrailRefusals(tx, fresh.map((c) => ({ id: c.row.id, tenantId: c.row.tenantId, keys: c.keys })));
  const registrations: Registration[] = [];
  const replaced: HardwareReplacement[] = [];
  for (const c of candidates) {
    const taken = c.keys.map((k) => owners.get(keyString(k))).filter((o): o is KeyOwner => o !== undefined);
    if (taken.length > 0) {
      const sameTenant = !taken.some((o) => o.tenantId !== c.row.tenantId);
      const remediated = sameTenant ? await remediationByImport(tx, c, taken, replaced, now) : undefined;
      if (remediated !== undefined) {
        replaced.push(remediated);
        outcomes.push({ id: c.row.id, status: 'complete', deviceRegistrationId: remediated.deviceId, deviceErrorCode: 0, deviceErrorName: '' });
        for (const k of c.keys) owners.set(keyString(k), { ...k, tenantId: c.row.tenantId, deviceId: remediated.deviceId });
        continue;
      }
      outcomes.push(failure(c.row, sameTenant ? 'ZtdDeviceAlreadyAssigned' : 'ZtdDeviceAssignedToOtherTenant'));
      continue;
    }
    const refusal = refusals.get(c.row.id);
    if (refusal !== undefined) {
      outcomes.push(failure(c.row, refusal));
      continue;
    }
    const registration = registrationOf(c, now);
    registrations.push(registration);
    for (const k of c.keys) owners.set(keyString(k), { ...k, tenantId: c.row.tenantId, deviceId: registration.device.id });
    outcomes.push({ id: c.row.id, status: 'complete', deviceRegistrationId: registration.device.id, deviceErrorCode: 0, deviceErrorName: '' });
  }
  if (registrations.length > 0 || replaced.length > 0) {
    // All of the batch's writes to shared rows in one call, which takes their locks in one global order (see the
    // header): registering device by device, or remediating before registering, would not be one order.
    await tx.devices.register(registrations, replaced);
    for (const r of [...replaced].sort((a, b) => (a.deviceId < b.deviceId ? -1 : 1))) {
      await tx.devices.update(r.tenantId, r.deviceId, { remediationState: 'noRemediationRequired', remediationStateModifiedAt: now }, now);
    }
    // Dynamic groups and profiles follow the new Entra objects, per tenant (in tenant id order), in the same
    // transaction.
    const byTenant = new Map<string, { device: AutopilotDevice; entra: EntraDevice }[]>();
    for (const { device, entra } of registrations) {
      if (!entra) continue;
      const registered = byTenant.get(device.tenantId) ?? [];
      registered.push({ device, entra });
      byTenant.set(device.tenantId, registered);
    }
    for (const tenantId of [...byTenant.keys()].sort()) await afterDevicesRegistered(tx, tenantId, byTenant.get(tenantId) ?? [], now);
  }
  await tx.imports.settle(outcomes, now);
  return { settled: outcomes.length, tenants: [...new Set(rows.map((r) => r.tenantId))] };
}


/**
 * Manual hardware-change remediation: re-importing the new hash of a device flagged manualRemediationRequired (in the
 * same tenant) replaces its registered hash and keys instead of failing with 806 (as replaceRegisteredHardware does
 * at OOBE; here the write joins the batch's one register call). Returns the replacement when it applies: every key
 * of the row that is taken is the device's own (the others are free), and no earlier row of the batch replaced the
 * device already (that row wins; this one is 806, as it would be in a later batch).
 */
async function remediationByImport(
  tx: Store,
  c: Candidate,
  taken: KeyOwner[],
  replaced: HardwareReplacement[],
  now: string,
): Promise<HardwareReplacement | undefined> {
  // Without a hash there is no new hardware to put in place: a registration by PKID or tuple is 806 as ever.
  if (c.hash === null) return undefined;
  const deviceIds = new Set(taken.map((o) => o.deviceId));
  if (deviceIds.size !== 1) return undefined;
  const deviceId = taken[0].deviceId;
  if (replaced.some((r) => r.deviceId === deviceId)) return undefined;
  const device = await tx.devices.find(c.row.tenantId, deviceId);
  if (device?.remediationState !== 'manualRemediationRequired') return undefined;
  return { tenantId: device.tenantId, deviceId: device.id, hardwareHash: c.hash, keys: c.keys, at: now };
}

function failure(row: ImportedDevice, name: ZtdErrorName): ImportOutcome {
  return { id: row.id, status: 'error', deviceRegistrationId: null, deviceErrorCode: ZTD_ERRORS[name], deviceErrorName: name };
}

/** Who registered the device, as the row says (the customer's own rows: customer, null, null). */
function originFields(row: ImportedDevice): Pick<NewDeviceFields, 'registeredBy' | 'registeredByTenantId' | 'partnerBatchId'> {
  return { registeredBy: row.origin, registeredByTenantId: row.originTenantId, partnerBatchId: row.batchId };
}

/**
 * A row's candidate registration, or the DDS error it earns. The hash was decoded when the row was accepted (the
 * row's `decoded`); only rows nobody decoded yet (partner and OEM rows, rows from before migration 0009) are decoded
 * here.
 */
function evaluate(row: ImportedDevice): Candidate | { error: ZtdErrorName } {
  if (row.hardwareIdentifier === null || row.hardwareIdentifier.length === 0) {
    // Customers register by hash only; partners and OEMs may register by product key ID or tuple.
    return row.origin === 'customer' ? { error: 'InvalidZtdHardwareHash' } : evaluateHashless(row);
  }
  const decoded = row.decoded ?? decodeImport(row.hardwareIdentifier, row.serialNumber).decoded;
  if (!decoded.valid) return { error: 'InvalidZtdHardwareHash' };
  const serialNumber = decoded.serialNumber ?? (isPlaceholder(row.serialNumber) ? '' : row.serialNumber);
  const productKey = decoded.productKeyId ?? row.productKey;
  if (serialNumber === '' && productKey === '') return { error: 'MissingZtdSerialNumberAndProductKey' };
  if (decoded.keys.length === 0) return { error: 'MissingZtdSerialNumberAndProductKey' };
  return {
    row,
    keys: decoded.keys,
    hash: row.hardwareIdentifier,
    device: {
      tenantId: row.tenantId,
      serialNumber,
      productKey,
      ...decoded.hardware,
      groupTag: row.groupTag,
      userPrincipalName: row.assignedUserPrincipalName,
      ...originFields(row),
    },
  };
}

/**
 * A partner or OEM row without a hash: its product key ID or its tuple is the one key (hashlessKey). 803 when the
 * PKID is not 13 digits or, without a PKID, the tuple is incomplete or holds a placeholder (the Partner Center and
 * OEM APIs check the combination first; this is the safety net). The device keeps the values exactly as given:
 * at OOBE the tuple must match the hash's SMBIOS values case-sensitively.
 */
function evaluateHashless(row: ImportedDevice): Candidate | { error: ZtdErrorName } {
  const key = hashlessKey(row);
  if (key === null) return { error: 'MissingZtdSerialNumberAndProductKey' };
  return {
    row,
    keys: [key],
    hash: null,
    device: {
      tenantId: row.tenantId,
      serialNumber: row.serialNumber,
      productKey: row.productKey,
      manufacturer: row.manufacturer,
      model: row.model,
      groupTag: row.groupTag,
      userPrincipalName: row.assignedUserPrincipalName,
      ...originFields(row),
    },
  };
}

function registrationOf(c: Candidate, now: string): Registration {
  // The device's id is random, its Entra deviceId time-ordered: see src/model/new-object-id.ts.
  const device = newAutopilotDevice({ ...c.device, id: randomUUID(), azureAdDeviceId: newObjectId() }, now);
  return {
    device,
    hardwareHash: c.hash,
    keys: c.keys,
    entra: newEntraDevice(
      {
        tenantId: device.tenantId,
        deviceId: device.azureAdDeviceId ?? '',
        // Entra names a pre-created Autopilot object after the serial number until the device joins.
        displayName: device.serialNumber || device.productKey,
        profileType: 'RegisteredDevice',
        autopilotDeviceId: device.id,
        physicalIds: autopilotPhysicalIds(device),
        // Autopilot devices are corporate: the pre-created object is company-owned.
        deviceOwnership: 'Company',
      },
      now,
    ),
  };
}
