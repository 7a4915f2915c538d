// What the registry needs from storage. src/store/registry-store.ts implements it on SQLite and PostgreSQL; nothing
// here knows SQL or HTTP.
import type { DirectoryRepository } from '../directory/ports.js';
import type { IntuneRepository } from '../intune/ports.js';
import type { ProfileRepository } from '../profiles/ports.js';


/** deviceImportStatus of an importedWindowsAutopilotDeviceIdentity. */
export type ImportStatus = 'unknown' | 'pending' | 'partial' | 'complete' | 'error';

/** windowsAutopilotEnrollmentState (beta adds blocked). */
export type EnrollmentState = 'unknown' | 'enrolled' | 'pendingReset' | 'failed' | 'notContacted' | 'blocked';

export type UserlessEnrollmentStatus = 'unknown' | 'allowed' | 'blocked';

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
  status: ImportStatus;
  /** The Autopilot device id (ZTDID) once registered. */
  deviceRegistrationId: string | null;
  deviceErrorCode: number;
  deviceErrorName: string;
  createdAt: string;
  updatedAt: string;
}

/** A windowsAutopilotDeviceIdentity. */
export interface AutopilotDevice {
  /** The ZTDID. */
  id: string;
  tenantId: string;
  serialNumber: string;
  productKey: string;
  manufacturer: string;
  model: string;
  groupTag: string;
  purchaseOrderIdentifier: string;
  enrollmentState: EnrollmentState;
  lastContactedAt: string | null;
  addressableUserName: string;
  userPrincipalName: string;
  displayName: string;
  resourceName: string;
  skuNumber: string;
  systemFamily: string;
  /** deviceId of the Entra device object. */
  azureAdDeviceId: string | null;
  managedDeviceId: string | null;
  userlessEnrollmentStatus: UserlessEnrollmentStatus;
  /** The deployment profile in effect (beta `deploymentProfile`), resolved from group assignments. */
  deploymentProfileId: string | null;
  /** The profile resolution says the device should get (beta `intendedDeploymentProfile`). */
  intendedDeploymentProfileId: string | null;
  deploymentProfileAssignmentStatus: ProfileAssignmentStatus;
  deploymentProfileAssignedAt: string | null;
  /** The profile last sent to the device at OOBE (enrolling under another one means pendingReset). */
  deliveredProfileId: string | null;
  remediationState: RemediationState;
  remediationStateModifiedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** windowsAutopilotProfileAssignmentStatus (beta; the misspelling is Graph's). */
export type ProfileAssignmentStatus =
  | 'unknown'
  | 'assignedInSync'
  | 'assignedOutOfSync'
  | 'assignedUnkownSyncState'
  | 'notAssigned'
  | 'pending'
  | 'failed';

/** windowsAutopilotDeviceRemediationState (beta). */
export type RemediationState = 'unknown' | 'noRemediationRequired' | 'automaticRemediationRequired' | 'manualRemediationRequired';

/** An Entra device object (only what the registry creates and reads). */
export interface EntraDevice {
  /** Object id. */
  id: string;
  tenantId: string;
  /** deviceId: a GUID other than the object id. */
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  accountEnabled: boolean;
  trustType: string | null;
  profileType: string | null;
  enrollmentProfileName: string | null;
  autopilotDeviceId: string | null;
  physicalIds: string[];
  /** Company | Personal | '' (Graph deviceOwnership). */
  deviceOwnership: string;
  isManaged: boolean;
  /** 'MDM' when Intune manages it. */
  managementType: string | null;
  mdmAppId: string | null;
  approximateLastSignInAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Entra device properties that join, enrollment and PATCH /devices change. */
export interface EntraDevicePatch {
  /** Links the object to an Autopilot device (a converted device) or unlinks it. */
  autopilotDeviceId?: string | null;
  displayName?: string;
  accountEnabled?: boolean;
  operatingSystemVersion?: string;
  trustType?: string | null;
  profileType?: string | null;
  enrollmentProfileName?: string | null;
  deviceOwnership?: string;
  isManaged?: boolean;
  managementType?: string | null;
  mdmAppId?: string | null;
  approximateLastSignInAt?: string | null;
}

/** One stable identity key of a device, as the global registry stores it: kind ('tuple', 'uuid', 'pkid', 'ek', 'serial') and value. */
export interface IdentityKey {
  kind: string;
  value: string;
}

export interface KeyOwner extends IdentityKey {
  tenantId: string;
  deviceId: string;
}

/** Everything one registration writes, in one go. */
export interface Registration {
  device: AutopilotDevice;
  hardwareHash: Buffer;
  keys: IdentityKey[];
  /** The Entra object to pre-create with it; absent when the device already has one (converting an enrolled device). */
  entra?: EntraDevice | undefined;
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

/** Keyset paging: at most `top` items after the one with id `afterId`, in id order. */
export interface PageRequest {
  top: number;
  afterId?: string | undefined;
  /** Also count every item (ignoring paging). */
  count?: boolean | undefined;
}

export interface Page<T> {
  items: T[];
  /** Present when more items follow: pass as `afterId` for the next page. */
  nextAfterId?: string | undefined;
  count?: number | undefined;
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
  find(tenantId: string, id: string): Promise<ImportedDevice | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<ImportedDevice>>;
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
}

export interface DeviceRepository {
  /** Inserts devices, hashes, identity keys, Entra objects and their physicalIds. A key already taken rejects with KeyTakenError. */
  register(registrations: Registration[]): Promise<void>;
  find(tenantId: string, id: string): Promise<AutopilotDevice | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<AutopilotDevice>>;
  /** Devices of the tenant with one of these serial numbers (exact match). */
  findBySerials(tenantId: string, serials: string[]): Promise<AutopilotDevice[]>;
  update(tenantId: string, id: string, patch: DevicePatch, now: string): Promise<void>;
  /** The hardware hash registered for the device (the last one, after a remediation). */
  hardwareHash(tenantId: string, id: string): Promise<Buffer | undefined>;
  /** Deletes the device with its hash and identity keys. False when there was none. */
  delete(tenantId: string, id: string): Promise<boolean>;
  /**
   * Replaces the device's hash and identity keys (hardware-change remediation). A key another device holds rejects
   * with KeyTakenError.
   */
  replaceHardware(tenantId: string, id: string, hardwareHash: Buffer, keys: IdentityKey[], now: string): Promise<void>;
}

export interface IdentityKeyRepository {
  /** The owners of whichever of `keys` are registered. */
  owners(keys: IdentityKey[]): Promise<KeyOwner[]>;
}

export interface EntraDeviceRepository {
  find(tenantId: string, id: string): Promise<EntraDevice | undefined>;
  findByAutopilotDevice(tenantId: string, autopilotDeviceId: string): Promise<EntraDevice | undefined>;
  list(tenantId: string, page: PageRequest): Promise<Page<EntraDevice>>;
  /** Inserts an Entra device with its physicalIds (not through registration: workplace join, POST /devices). */
  create(device: EntraDevice): Promise<void>;
  update(tenantId: string, id: string, patch: EntraDevicePatch, now: string): Promise<void>;
  /** Replaces the physicalIds that start with one of `prefixes` by `values` (others stay). */
  replacePhysicalIds(tenantId: string, id: string, prefixes: string[], values: string[], now: string): Promise<void>;
  delete(tenantId: string, id: string): Promise<void>;
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

export interface RegistryStore {
  readonly imports: ImportRepository;
  readonly devices: DeviceRepository;
  readonly identityKeys: IdentityKeyRepository;
  readonly entra: EntraDeviceRepository;
  readonly settings: SettingsRepository;
  /** Groups, memberships and Entra device writes beyond registration (src/directory). */
  readonly directory: DirectoryRepository;
  /** Deployment profiles, assignments and each device's resolved profile (src/profiles). */
  readonly profiles: ProfileRepository;
  /** Intune managed devices and the hardware keys of objects made from a hash (src/intune). */
  readonly intune: IntuneRepository;
  /** Runs `work` atomically; nested calls join the outer transaction. */
  transaction<T>(work: (store: RegistryStore) => Promise<T>): Promise<T>;
}
