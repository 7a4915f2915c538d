// What the registry needs from storage: the import queue, the devices with their identity keys, the sync settings.
// src/store implements it on SQLite and PostgreSQL (one file per repository); nothing here knows SQL or HTTP. The
// aggregate store the operations run on, with every domain's repositories and one transaction, is src/ports.ts.
import type {
  AutopilotDevice,
  EnrollmentState,
  EntraDevice,
  IdentityKey,
  ListPage,
  ListQuery,
  ProfileAssignmentStatus,
  RegistrationOrigin,
  RemediationState,
  UserlessEnrollmentStatus,
} from '../model/index.js';
import type { DeploymentProfile } from '../profiles/ports.js';

/** deviceImportStatus of an importedWindowsAutopilotDeviceIdentity. */
export type ImportStatus = 'unknown' | 'pending' | 'partial' | 'complete' | 'error';

export type SyncStatus = 'unknown' | 'inProgress' | 'completed' | 'failed';

/** An importedWindowsAutopilotDeviceIdentity with its durable state. Strings Intune returns as "" are "". */
export interface ImportedDevice {
  id: string;
  tenantId: string;
  importId: string;
  groupTag: string;
  serialNumber: string;
  productKey: string;
  /** The hardware hash bytes, or null when none was given. */
  hardwareIdentifier: Buffer | null;
  assignedUserPrincipalName: string;
  /** SMBIOS manufacturer and model: with the serial number, the tuple of a registration without a hash. */
  manufacturer: string;
  model: string;
  /** Who submitted the row. Graph lists, finds and deletes only the customer's own rows. */
  origin: RegistrationOrigin;
  /** The partner or OEM tenant that submitted it; null for the customer's own rows. */
  originTenantId: string | null;
  /** The Partner Center / OEM job (batch tracking id) the row belongs to, and its place in it. */
  jobId: string | null;
  jobPosition: number | null;
  /** The Partner Center device batch (device_batches id). */
  batchId: string | null;
  status: ImportStatus;
  /** The Autopilot device id (ZTDID) once registered. */
  deviceRegistrationId: string | null;
  deviceErrorCode: number;
  deviceErrorName: string;
  /**
   * What the accept path read from the hash (decoded once per import: the worker registers from this and never
   * decodes the hash again). Null when nobody decoded it yet (no hash; partner and OEM rows; rows stored before
   * migration 0009): the worker then decodes the hash itself.
   */
  decoded: DecodedImport | null;
  createdAt: string;
  updatedAt: string;
}

/** A hash as the worker needs it: not a valid hash (802), or the identity keys and the device fields it yields. */
export type DecodedImport =
  | { valid: false }
  | {
      valid: true;
      /** The registry keys (registryKeys: the hash's keys, or the row's serial number when it has none). */
      keys: IdentityKey[];
      /** From the hash's identity; null when the hash has none. */
      serialNumber: string | null;
      productKeyId: string | null;
      hardware: Pick<AutopilotDevice, 'manufacturer' | 'model' | 'skuNumber' | 'systemFamily'>;
    };

export interface KeyOwner extends IdentityKey {
  tenantId: string;
  deviceId: string;
}

/** Everything one registration writes, in one go. */
export interface Registration {
  device: AutopilotDevice;
  /** Null for a partner or OEM registration by product key ID or tuple: its first hash comes at OOBE (attachHardware). */
  hardwareHash: Buffer | null;
  keys: IdentityKey[];
  /** The Entra object to pre-create with it; absent when the device already has one (converting an enrolled device). */
  entra?: EntraDevice | undefined;
}

/** A registered device's new hardware (DeviceRepository.register): its hash and identity keys replace the old ones. */
export interface HardwareReplacement {
  tenantId: string;
  deviceId: string;
  hardwareHash: Buffer;
  keys: IdentityKey[];
  /** When (the keys' creation time). */
  at: string;
}

/** A device's contact with the service (a profile download): DeviceRepository.recordContacts. */
export interface DeviceContact {
  tenantId: string;
  id: string;
  at: string;
  /**
   * When the download delivered another profile than the device's deliveredProfileId: the one it delivered (null: the
   * default document), and whether the device's assignment status becomes assignedInSync (a profile was delivered).
   */
  delivery?: { profileId: string | null; assignedInSync: boolean };
}

/** A registration that holds some of the identity keys a device presents (DeviceRepository.holdersOf). */
export interface KeyHolding {
  device: AutopilotDevice;
  /** Kinds of the asked keys the registration holds. */
  kinds: string[];
  hardwareHash: Buffer | null;
}

/** How an import row ended. */
export interface ImportOutcome {
  id: string;
  status: 'complete' | 'error';
  deviceRegistrationId: string | null;
  deviceErrorCode: number;
  deviceErrorName: string;
}

export interface AutopilotSettings {
  tenantId: string;
  syncStatus: SyncStatus;
  lastSyncAt: string | null;
  lastManualSyncTriggerAt: string | null;
}

/** Device properties that updateDeviceProperties / assignUserToDevice / allowNextEnrollment change. */
export interface DevicePatch {
  groupTag?: string;
  displayName?: string;
  userPrincipalName?: string;
  addressableUserName?: string;
  enrollmentState?: EnrollmentState;
  userlessEnrollmentStatus?: UserlessEnrollmentStatus;
  lastContactedAt?: string | null;
  managedDeviceId?: string | null;
  deploymentProfileId?: string | null;
  intendedDeploymentProfileId?: string | null;
  deploymentProfileAssignmentStatus?: ProfileAssignmentStatus;
  deploymentProfileAssignedAt?: string | null;
  deliveredProfileId?: string | null;
  remediationState?: RemediationState;
  remediationStateModifiedAt?: string | null;
}

export interface ImportRepository {
  insertMany(rows: ImportedDevice[]): Promise<void>;
  /** find, list and delete see only the customer's own rows (origin 'customer'), as Graph does. */
  find(tenantId: string, id: string): Promise<ImportedDevice | undefined>;
  /** A page of the tenant's rows under an OData list query. */
  list(tenantId: string, query: ListQuery): Promise<ListPage<ImportedDevice>>;
  /** False when there was no such row in the tenant. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Leases up to `limit` unprocessed rows (status unknown/pending, no lease or a lapsed one), oldest first, to
   * `owner` until `leaseUntil`, counting an attempt on each. Returns how many it leased.
   */
  claim(owner: string, limit: number, now: string, leaseUntil: string): Promise<number>;
  /**
   * Inside a transaction: the rows `owner` still holds (unprocessed, lease not taken over), oldest first, locked
   * against other writers until the transaction ends. With the attempt count.
   */
  leased(owner: string): Promise<(ImportedDevice & { attempts: number })[]>;
  /** Records outcomes and releases the leases. */
  settle(outcomes: ImportOutcome[], now: string): Promise<void>;
  /** Unprocessed rows of a tenant (any lease). */
  countUnprocessed(tenantId: string): Promise<number>;
  /**
   * After a bulk load (the worker calls it when its queue drains): brings the database's planner statistics up to
   * date where the load made them stale, so that the statements run next (a profile assigned to all devices, say) are
   * not planned blind. Returns the tables it refreshed (none on an engine that plans without statistics).
   */
  refreshPlannerStatistics(): Promise<string[]>;
}

/**
 * What a profile download reads of the device it serves (src/oobe/deliver-profile.ts); a full device is one too.
 * `deploymentProfile`, when present, is the profile deploymentProfileId names, read in the same statement (null when
 * the device has none or it no longer exists); absent when the reader did not read it (then ask ProfileRepository).
 */
export type BootDevice = { deploymentProfile?: DeploymentProfile | null } & Pick<
  AutopilotDevice,
  | 'id'
  | 'tenantId'
  | 'serialNumber'
  | 'managedDeviceId'
  | 'lastContactedAt'
  | 'deploymentProfileId'
  | 'deploymentProfileAssignmentStatus'
  | 'deliveredProfileId'
  | 'partnerPolicyId'
  | 'remediationState'
>;

export interface DeviceRepository {
  /**
   * Inserts devices, hashes, identity keys, Entra objects and their physicalIds, and replaces the hash and keys of the
   * `replaced` devices (re-imports of devices flagged manualRemediationRequired) in the same go. A key already taken
   * rejects with KeyTakenError, and so does a replaced device that is no longer flagged (a concurrent transaction
   * remediated it): retrying sees the new state. Locks are taken in one global order, whatever the order of the
   * arguments: the replaced devices' rows by id, then their hash rows by id, then every key of the call by
   * (kind, value) — so concurrent calls with overlapping devices wait for each other and never deadlock.
   */
  register(registrations: Registration[], replaced?: HardwareReplacement[]): Promise<void>;
  find(tenantId: string, id: string): Promise<AutopilotDevice | undefined>;
  /**
   * The registrations holding any of these identity keys, in any tenant, each once: the device, which of the keys
   * (their kinds) it holds, and its registered hash (null when it was registered without one). What a PC's call
   * starts with (src/oobe/identify-device.ts), in one round trip.
   */
  holdersOf(keys: IdentityKey[]): Promise<KeyHolding[]>;
  /**
   * The device whose registered hash is exactly these bytes (by their SHA-256), in any tenant; undefined when none.
   * The PC's lookup tries this first (src/oobe/identify-device.ts): nearly every boot presents the registered hash.
   */
  holderOfHash(hardwareHash: Buffer): Promise<AutopilotDevice | undefined>;
  /**
   * holderOfHash, reading only what a profile download needs of the device (BootDevice): every PC asks at every boot,
   * and reading and converting the device's other columns cost more than the index probes that find it (and, in the
   * same statement, its deploymentProfile).
   */
  bootDeviceOfHash(hardwareHash: Buffer): Promise<BootDevice | undefined>;
  /** A page of the tenant's devices under an OData list query. */
  list(tenantId: string, query: ListQuery): Promise<ListPage<AutopilotDevice>>;
  /** Devices of the tenant with one of these serial numbers (exact match). */
  findBySerials(tenantId: string, serials: string[]): Promise<AutopilotDevice[]>;
  update(tenantId: string, id: string, patch: DevicePatch, now: string): Promise<void>;
  /**
   * Sets lastContactedDateTime (and updatedAt) of many devices in one statement, each to its `at` unless it already
   * holds a later one, and the contacts' deliveries (deliveredProfileId, assignedInSync). Devices that no longer exist
   * are skipped.
   */
  recordContacts(contacts: DeviceContact[]): Promise<void>;
  /** The hardware hash registered for the device (the last one, after a remediation). */
  hardwareHash(tenantId: string, id: string): Promise<Buffer | undefined>;
  /** Deletes the device with its hash and identity keys. False when there was none. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Replaces the device's hash and identity keys (hardware-change remediation). A key another device holds rejects
   * with KeyTakenError. Locks in register's order: the device row, its hash row, its keys in (kind, value) order.
   */
  replaceHardware(tenantId: string, id: string, hardwareHash: Buffer, keys: IdentityKey[], now: string): Promise<void>;
  /**
   * Gives a device registered without a hash (partner or OEM, by PKID or tuple) its first hash, at its first boot:
   * stores the hash, adds those of `keys` the device does not hold yet and sets `fields`, only when the device has
   * no hash yet. False (nothing changed) when it has one already (a concurrent first boot attached it) or there is
   * no such device in the tenant. A key another device holds rejects with KeyTakenError. Locks in register's order:
   * the device row, its hash row, its keys in (kind, value) order.
   */
  attachHardware(tenantId: string, id: string, hardwareHash: Buffer, keys: IdentityKey[], fields: AttachedHardwareFields, now: string): Promise<boolean>;
}

/** The device properties a first hash fills in (attachHardware): those the registration left empty. */
export type AttachedHardwareFields = Partial<Pick<AutopilotDevice, 'serialNumber' | 'productKey' | 'manufacturer' | 'model' | 'skuNumber' | 'systemFamily'>>;

export interface IdentityKeyRepository {
  /** The owners of whichever of `keys` are registered. */
  owners(keys: IdentityKey[]): Promise<KeyOwner[]>;
}

export interface SettingsRepository {
  get(tenantId: string): Promise<AutopilotSettings | undefined>;
  /** Inside a transaction: the tenant's settings row, created if missing, locked until the transaction ends. */
  lock(tenantId: string): Promise<AutopilotSettings>;
  save(settings: AutopilotSettings): Promise<void>;
  /** Tenants whose sync is in progress. */
  inProgress(): Promise<string[]>;
}

/** A unique identity key was taken by a concurrent registration (another process); retrying sees its owner. */
export class KeyTakenError extends Error {
  override readonly name = 'KeyTakenError';
}
