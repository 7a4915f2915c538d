// The worker's unit of work: lease a batch of unprocessed import rows, then — in ONE transaction — register each
// device (Autopilot device, hash, identity keys, Entra object) and record every row's outcome. A crash before the
// commit leaves the rows leased but unprocessed; once the lease lapses another run takes them again. A crash after
// it leaves them settled. Either way no device is half-registered and none is registered twice.
import { randomUUID } from 'node:crypto';
import { decodeHardwareHash, isPlaceholder } from '../hash/index.js';
import { ZTD_ERRORS, type ZtdErrorName } from './errors.js';
import { autopilotPhysicalIds, keyString, registryKeys } from './identity-keys.js';
import {
  KeyTakenError,
  type AutopilotDevice,
  type IdentityKey,
  type ImportOutcome,
  type ImportedDevice,
  type KeyOwner,
  type Registration,
  type RegistryStore,
} from './ports.js';

export interface ProcessImportsOptions {
  /** This worker's claim token. */
  owner: string;
  batchSize: number;
  leaseMs: number;
  /** A row leased this many times without settling is given up (StorageError). */
  maxAttempts: number;
  now: () => Date;
}

export interface BatchResult {
  /** Rows settled. */
  settled: number;
  /** Tenants whose rows were settled. */
  tenants: string[];
}

const CONCURRENT_RETRIES = 5;

/** One batch; settled 0 means there was nothing to do. */
export async function processImportBatch(store: RegistryStore, options: ProcessImportsOptions): Promise<BatchResult> {
  const start = options.now();
  const claimed = await store.imports.claim(
    options.owner,
    options.batchSize,
    start.toISOString(),
    new Date(start.getTime() + options.leaseMs).toISOString(),
  );
  if (claimed === 0) return { settled: 0, tenants: [] };
  for (let attempt = 1; ; attempt++) {
    try {
      return await store.transaction((tx) => settleLeased(tx, options));
    } catch (err) {
      // Another process registered one of these devices between our read and our write: run again, and see it.
      if (!(err instanceof KeyTakenError) || attempt >= CONCURRENT_RETRIES) throw err;
    }
  }
}

interface Candidate {
  row: ImportedDevice;
  keys: IdentityKey[];
  device: Omit<AutopilotDevice, 'id' | 'azureAdDeviceId'>;
  hash: Buffer;
}

async function settleLeased(tx: RegistryStore, options: ProcessImportsOptions): Promise<BatchResult> {
  const rows = await tx.imports.leased(options.owner);
  const now = options.now().toISOString();
  const outcomes: ImportOutcome[] = [];
  const candidates: Candidate[] = [];
  for (const row of rows) {
    if (row.attempts > options.maxAttempts) {
      outcomes.push(failure(row, 'StorageError'));
      continue;
    }
    const evaluated = evaluate(row, now);
    if ('error' in evaluated) outcomes.push(failure(row, evaluated.error));
    else candidates.push(evaluated);
  }

  const owners = new Map<string, KeyOwner>();
  if (candidates.length > 0) {
    for (const owner of await tx.identityKeys.owners(candidates.flatMap((c) => c.keys))) owners.set(keyString(owner), owner);
  }
  const registrations: Registration[] = [];
  for (const c of candidates) {
    const taken = c.keys.map((k) => owners.get(keyString(k))).filter((o): o is KeyOwner => o !== undefined);
    if (taken.length > 0) {
      outcomes.push(failure(c.row, taken.some((o) => o.tenantId !== c.row.tenantId) ? 'ZtdDeviceAssignedToOtherTenant' : 'ZtdDeviceAlreadyAssigned'));
      continue;
    }
    const registration = registrationOf(c, now);
    registrations.push(registration);
    for (const k of c.keys) owners.set(keyString(k), { ...k, tenantId: c.row.tenantId, deviceId: registration.device.id });
    outcomes.push({ id: c.row.id, status: 'complete', deviceRegistrationId: registration.device.id, deviceErrorCode: 0, deviceErrorName: '' });
  }
  if (registrations.length > 0) await tx.devices.register(registrations);
  await tx.imports.settle(outcomes, now);
  return { settled: outcomes.length, tenants: [...new Set(rows.map((r) => r.tenantId))] };
}

function failure(row: ImportedDevice, name: ZtdErrorName): ImportOutcome {
  return { id: row.id, status: 'error', deviceRegistrationId: null, deviceErrorCode: ZTD_ERRORS[name], deviceErrorName: name };
}

/** Decodes a row's hash into a candidate registration, or the DDS error it earns. */
function evaluate(row: ImportedDevice, now: string): Candidate | { error: ZtdErrorName } {
  if (row.hardwareIdentifier === null || row.hardwareIdentifier.length === 0) return { error: 'InvalidZtdHardwareHash' };
  const decoded = decodeHardwareHash(row.hardwareIdentifier);
  const identity = decoded.identity;
  if (!decoded.valid || identity === null) return { error: 'InvalidZtdHardwareHash' };
  const serialNumber = identity.serialNumber ?? (isPlaceholder(row.serialNumber) ? '' : row.serialNumber);
  const productKey = identity.productKeyId ?? row.productKey;
  if (serialNumber === '' && productKey === '') return { error: 'MissingZtdSerialNumberAndProductKey' };
  const keys = registryKeys(identity, row.serialNumber);
  if (keys.length === 0) return { error: 'MissingZtdSerialNumberAndProductKey' };
  const system = decoded.inventory?.system;
  return {
    row,
    keys,
    hash: row.hardwareIdentifier,
    device: {
      tenantId: row.tenantId,
      serialNumber,
      productKey,
      manufacturer: identity.manufacturer ?? '',
      model: identity.model ?? '',
      groupTag: row.groupTag,
      purchaseOrderIdentifier: '',
      enrollmentState: 'notContacted',
      lastContactedAt: null,
      addressableUserName: '',
      userPrincipalName: row.assignedUserPrincipalName,
      displayName: '',
      resourceName: '',
      skuNumber: clean(system?.sku),
      systemFamily: clean(system?.family),
      managedDeviceId: null,
      userlessEnrollmentStatus: 'unknown',
      deploymentProfileId: null,
      intendedDeploymentProfileId: null,
      deploymentProfileAssignmentStatus: 'notAssigned',
      deploymentProfileAssignedAt: null,
      deliveredProfileId: null,
      remediationState: 'noRemediationRequired',
      remediationStateModifiedAt: null,
      createdAt: now,
      updatedAt: now,
    },
  };
}

function clean(value: string | null | undefined): string {
  return value === null || value === undefined || isPlaceholder(value) ? '' : value.trim();
}

function registrationOf(c: Candidate, now: string): Registration {
  const device: AutopilotDevice = { ...c.device, id: randomUUID(), azureAdDeviceId: randomUUID() };
  return {
    device,
    hardwareHash: c.hash,
    keys: c.keys,
    entra: {
      id: randomUUID(),
      tenantId: device.tenantId,
      deviceId: device.azureAdDeviceId ?? '',
      // Entra names a pre-created Autopilot object after the serial number until the device joins.
      displayName: device.serialNumber || device.productKey,
      operatingSystem: 'Windows',
      operatingSystemVersion: '',
      accountEnabled: true,
      trustType: null,
      profileType: 'RegisteredDevice',
      enrollmentProfileName: null,
      autopilotDeviceId: device.id,
      physicalIds: autopilotPhysicalIds(device),
      // Autopilot devices are corporate: the pre-created object is company-owned.
      deviceOwnership: 'Company',
      isManaged: false,
      managementType: null,
      mdmAppId: null,
      approximateLastSignInAt: null,
      createdAt: now,
      updatedAt: now,
    },
  };
}
