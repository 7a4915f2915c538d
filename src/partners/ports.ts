// What partner (CSP) and OEM registration needs from storage: relationships (the customer's consent), Partner
// Center's device batches, the jobs a batch tracking id names with their per-device outcomes, and Partner Center's
// configuration policies. src/store implements these on SQLite and PostgreSQL; nothing here knows SQL or HTTP.
// Registrations themselves go through the registry's import queue (src/registry/ports.ts): a partner's device is an
// import row with origin 'partner', its job and its batch.
import type { AutopilotDevice } from '../model/index.js';

/** reseller: a CSP's reseller relationship; oem: an OEM's consent to register devices. */
export type RelationshipKind = 'reseller' | 'oem';

/** A customer's consent: while it exists, the partner (or OEM) may act on the customer's devices. */
export interface Relationship {
  partnerTenantId: string;
  customerTenantId: string;
  kind: RelationshipKind;
  /** Whether the invitation asked for delegated admin (DAP); Autopilot never needs it. */
  delegatedAdmin: boolean;
  acceptedAt: string;
}

export interface RelationshipRepository {
  /** Stores the relationship, replacing one the same partner and customer already have. */
  save(relationship: Relationship): Promise<void>;
  find(partnerTenantId: string, customerTenantId: string): Promise<Relationship | undefined>;
  /** The customer's relationships, oldest first. */
  listByCustomer(customerTenantId: string): Promise<Relationship[]>;
  /** The partner's (or OEM's) relationships, oldest first. */
  listByPartner(partnerTenantId: string): Promise<Relationship[]>;
  /** False when there was none. */
  delete(partnerTenantId: string, customerTenantId: string): Promise<boolean>;
}

/** A Partner Center device batch: a named list of one customer's devices. Its name is its id on the wire. */
export interface DeviceBatch {
  /** Internal id (a GUID); devices and import rows refer to it. */
  id: string;
  customerTenantId: string;
  /** The partner's BatchId, as given. */
  name: string;
  createdByTenantId: string;
  createdAt: string;
}

export interface DeviceBatchWithCount extends DeviceBatch {
  /** Registered devices in the batch now. */
  devicesCount: number;
}

export interface BatchRepository {
  /** Rejects with BatchNameTakenError when the customer already has a batch of that name (any case). */
  insert(batch: DeviceBatch): Promise<void>;
  /** The customer's batch of this name, compared case-insensitively. */
  findByName(customerTenantId: string, name: string): Promise<DeviceBatch | undefined>;
  /** The customer's batches, oldest first, with their device counts. */
  list(customerTenantId: string): Promise<DeviceBatchWithCount[]>;
  /**
   * Up to `limit` devices partners registered through the batch (registeredBy 'partner'), in id order, after the
   * device id `afterId` (seek paging; null for the first page).
   */
  devices(customerTenantId: string, batchId: string, afterId: string | null, limit: number): Promise<AutopilotDevice[]>;
}

/** A customer already has a batch of this name. */
export class BatchNameTakenError extends Error {
  override readonly name = 'BatchNameTakenError';
}

export type DeviceJobKind = 'upload' | 'policyUpdate' | 'oemRegistration';

/** What a batch tracking id names: one call's devices and, as they settle, their outcomes. */
export interface DeviceJob {
  /** The batch tracking id (a GUID). */
  id: string;
  /** Null for an OEM call (its devices may belong to several customers). */
  customerTenantId: string | null;
  submittedByTenantId: string;
  kind: DeviceJobKind;
  batchId: string | null;
  /** MS-RequestId of the call that created it (a retry of that call gets this job back), or null. */
  requestId: string | null;
  deviceCount: number;
  createdAt: string;
}

/** Partner Center's DeviceUploadStatusType values Tarmac uses per device and per job. */
export type DeviceJobStatus = 'queued' | 'processing' | 'finished' | 'finished_with_errors';

/** One device's outcome in a job: settled at submission (refused, policy update, OEM deregistration) or by the worker. */
export interface DeviceJobResult {
  jobId: string;
  /** The device's place in the call that submitted it (0-based). */
  position: number;
  /** The Autopilot device id, when there is one. */
  deviceId: string | null;
  serialNumber: string;
  productKey: string;
  status: DeviceJobStatus;
  /** DDS code as a string ("808"), or null on success. */
  errorCode: string | null;
  /** DDS name (ZtdDeviceAssignedToOtherTenant) or a sentence, or null on success. */
  errorDescription: string | null;
  /** When it settled (read back only: the job's time for stored outcomes, the import row's for the worker's); null while pending. */
  settledAt?: string | null;
}

export interface JobRepository {
  /** Stores a job with the outcomes already known (the worker settles the rest through its import rows). */
  insert(job: DeviceJob, results: DeviceJobResult[]): Promise<void>;
  find(id: string): Promise<DeviceJob | undefined>;
  /** The job a submitter created with this MS-RequestId, if any. */
  findByRequestId(submittedByTenantId: string, requestId: string): Promise<DeviceJob | undefined>;
  /**
   * Every device of the job in position order: outcomes stored with the job and, for devices that went through the
   * import queue, their import row's state (queued while unprocessed).
   */
  results(jobId: string): Promise<DeviceJobResult[]>;
}

/** PolicySettingsType names (Partner Center's flags enum, lower snake case on the wire). */
export const POLICY_SETTINGS = [
  'remove_oem_preinstalls',
  'oobe_user_not_local_admin',
  'skip_express_settings',
  'skip_oem_registration',
  'skip_eula',
] as const;
export type PolicySetting = (typeof POLICY_SETTINGS)[number];

/** A Partner Center configuration policy (a "Windows Autopilot profile" in Partner Center) of one customer. */
export interface PartnerPolicy {
  id: string;
  customerTenantId: string;
  createdByTenantId: string;
  name: string;
  /** PolicyCategory: always o_o_b_e. */
  category: 'o_o_b_e';
  description: string;
  settings: PolicySetting[];
  createdAt: string;
  updatedAt: string;
}

export interface PartnerPolicyWithCount extends PartnerPolicy {
  /** Devices the policy is applied to now. */
  devicesAssignedCount: number;
}

export interface PartnerPolicyRepository {
  insert(policy: PartnerPolicy): Promise<void>;
  find(customerTenantId: string, id: string): Promise<PartnerPolicyWithCount | undefined>;
  /** The customer's policies, oldest first. */
  list(customerTenantId: string): Promise<PartnerPolicyWithCount[]>;
  /** Writes name, description, settings and updatedAt (id, customer, category and creation stay). */
  update(policy: PartnerPolicy): Promise<void>;
  /** Deletes the policy and clears it from the customer's devices it was applied to. False when there was none. */
  delete(customerTenantId: string, id: string): Promise<boolean>;
  /**
   * Sets (or, with null, clears) the policy applied to these devices of the customer; ids of other tenants' devices
   * or of no device are left alone. Returns how many devices it changed.
   */
  applyToDevices(customerTenantId: string, deviceIds: string[], policyId: string | null, now: string): Promise<number>;
}
