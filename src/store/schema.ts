// The typed shape of Tarmac's database, identical on SQLite and PostgreSQL (migrations/ creates it).
//
// Engine-neutral choices, made once here:
// - ids (GUIDs) are lowercase `text`, never PostgreSQL `uuid`: a malformed id in a URL is then simply "not found"
//   on both engines instead of a PostgreSQL cast error;
// - timestamps are ISO 8601 UTC `text` written by `Date.toISOString()` (fixed width, so they sort and compare as
//   text on both engines, and round-trip to the millisecond);
// - booleans are `integer` 0/1 (SQLite has no boolean type);
// - binary values (hardware hashes) are `blob` / `bytea`, read back as Buffer.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface TenantsTable {
  id: string;
  display_name: string;
  created_at: string;
  /** customer, partner (CSP) or oem (0007). */
  kind: Generated<string>;
}

/** Domains of a tenant; a domain belongs to at most one tenant (primary key), like in Entra. */
export interface TenantDomainsTable {
  name: string;
  tenant_id: string;
  is_initial: number;
  is_default: number;
  created_at: string;
}

/** App registrations (with their service principal: Tarmac keeps one object for both). */
export interface AppsTable {
  /** Object id; also the service principal id (`oid` in tokens). */
  id: string;
  tenant_id: string;
  /** Application (client) id; globally unique. */
  client_id: string;
  display_name: string;
  /** JSON array of granted application permissions (app roles), e.g. ["DeviceManagementServiceConfig.ReadWrite.All"]. */
  roles: string;
  created_at: string;
  /** JSON array of redirect URIs (0008). */
  redirect_uris: Generated<string>;
  /** 1: a public client (SPA, desktop) that redeems codes without a secret (0008). */
  public_client: Generated<number>;
  /** Access tokens of the app issued (iat) before this ISO time are refused; null: none revoked (0011). */
  tokens_not_before: Generated<string | null>;
}

/** Users of a tenant (0008), signing in with a password; `roles` is a JSON array of directory role names. */
export interface UsersTable {
  id: string;
  tenant_id: string;
  user_principal_name: string;
  display_name: string;
  password_hash: string;
  roles: string;
  account_enabled: number;
  created_at: string;
}

/** Authorization codes (0008), by SHA-256 hash; single use. */
export interface AuthCodesTable {
  code_hash: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  code_challenge: string | null;
  nonce: string | null;
  family_id: string;
  expires_at: string;
  used: number;
  created_at: string;
}

/** Refresh tokens (0008), by SHA-256 hash; rotated on use, a family revoked together. */
export interface RefreshTokensTable {
  token_hash: string;
  tenant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  family_id: string;
  expires_at: string;
  revoked: number;
  created_at: string;
}

export interface AppSecretsTable {
  /** keyId of the password credential. */
  id: string;
  app_id: string;
  /** First three characters of the secret (Entra's `hint`), to tell secrets apart and pick candidates quickly. */
  hint: string;
  /** `scrypt$N,r,p$salt$hash`; the secret itself is never stored. */
  secret_hash: string;
  created_at: string;
  expires_at: Generated<string | null>;
}

/** Token signing keys Tarmac generated. The private key stays in the database (PKCS#8 PEM). */
export interface SigningKeysTable {
  kid: string;
  alg: string;
  /** Public JWK as JSON. */
  public_jwk: string;
  private_pkcs8: string;
  created_at: string;
  /** After this, the key no longer signs (it stays published until tokens it signed have expired). */
  retired_at: Generated<string | null>;
}

/** windowsAutopilotDeviceIdentity. String properties that Intune returns as "" when unset are NOT NULL DEFAULT ''. */
export interface AutopilotDevicesTable {
  id: string;
  tenant_id: string;
  serial_number: Generated<string>;
  product_key: Generated<string>;
  manufacturer: Generated<string>;
  model: Generated<string>;
  group_tag: Generated<string>;
  purchase_order_identifier: Generated<string>;
  /** windowsAutopilotEnrollmentState: unknown, enrolled, pendingReset, failed, notContacted, blocked. */
  enrollment_state: Generated<string>;
  last_contacted_at: string | null;
  addressable_user_name: Generated<string>;
  user_principal_name: Generated<string>;
  display_name: Generated<string>;
  resource_name: Generated<string>;
  sku_number: Generated<string>;
  system_family: Generated<string>;
  /** deviceId of the Entra device object (azureActiveDirectoryDeviceId / azureAdDeviceId). */
  azure_ad_device_id: string | null;
  managed_device_id: string | null;
  created_at: string;
  updated_at: string;
  /** beta userlessEnrollmentStatus: unknown, allowed, blocked (0002). */
  userless_enrollment_status: Generated<string>;
  /** The deployment profile in effect (beta deploymentProfile), resolved from group assignments (0005). */
  deployment_profile_id: Generated<string | null>;
  /** The profile resolution says the device should get (beta intendedDeploymentProfile) (0005). */
  intended_deployment_profile_id: Generated<string | null>;
  /** windowsAutopilotProfileAssignmentStatus (0005). */
  deployment_profile_assignment_status: Generated<string>;
  deployment_profile_assigned_at: Generated<string | null>;
  /** The profile last sent to the device at OOBE (0005): enrolling under another one means pendingReset. */
  delivered_profile_id: Generated<string | null>;
  /** windowsAutopilotDeviceRemediationState (0005). */
  remediation_state: Generated<string>;
  remediation_state_modified_at: Generated<string | null>;
  /** Who registered it: customer (Graph, CSV), partner (Partner Center) or oem (0007). */
  registered_by: Generated<string>;
  /** The partner or OEM tenant that registered it; null for the customer's own registrations (0007). */
  registered_by_tenant_id: Generated<string | null>;
  /** The Partner Center device batch (device_batches.id) it was registered through (0007). */
  partner_batch_id: Generated<string | null>;
  /** The Partner Center configuration policy applied to it (partner_policies.id) (0007). */
  partner_policy_id: Generated<string | null>;
}

/** The last hardware hash registered for a device, kept apart so that device scans never read 4 KB rows. */
export interface AutopilotDeviceHashesTable {
  device_id: string;
  hardware_hash: Buffer;
  /** SHA-256 of hardware_hash (migration 0014): the PC's lookup by its exact hash. */
  hash_digest: Buffer | null;
}

/**
 * The global registry: one row per stable identity key of a registered device, across all tenants (primary key
 * (kind, value)). A second registration of a key fails: same tenant → 806, other tenant → 808.
 */
export interface DeviceIdentityKeysTable {
  /** Which key: e.g. 'tuple', 'smbiosUuid', 'productKeyId', 'tpmEkPubHash' (defined by the registry/hash codec). */
  kind: string;
  /** The normalised key value. */
  value: string;
  tenant_id: string;
  device_id: string;
  created_at: string;
}

/** importedWindowsAutopilotDeviceIdentity, with the durable state the worker moves forward. */
export interface ImportedDeviceIdentitiesTable {
  id: string;
  tenant_id: string;
  import_id: Generated<string>;
  group_tag: Generated<string>;
  serial_number: Generated<string>;
  product_key: Generated<string>;
  assigned_user_principal_name: Generated<string>;
  /** deviceImportStatus: unknown, pending, partial, complete, error. */
  import_status: Generated<string>;
  device_registration_id: string | null;
  device_error_code: Generated<number>;
  device_error_name: Generated<string>;
  /** Worker bookkeeping: a claim expires at lease_until, so a crashed worker's rows are picked up again. */
  lease_until: string | null;
  /** Random token of the claim holding the lease (0002). */
  lease_owner: Generated<string | null>;
  attempts: Generated<number>;
  created_at: string;
  updated_at: string;
  /** SMBIOS manufacturer and model of a tuple registration without a hash (0007). */
  manufacturer: Generated<string>;
  model: Generated<string>;
  /** Who submitted the row: customer, partner or oem (0007). Graph lists only the customer's rows. */
  origin: Generated<string>;
  origin_tenant_id: Generated<string | null>;
  /** The Partner Center / OEM job (batch tracking id) and the row's place in it (0007). */
  job_id: Generated<string | null>;
  job_position: Generated<number | null>;
  /** The Partner Center device batch (device_batches.id) (0007). */
  batch_id: Generated<string | null>;
  /** What the accept path decoded from the hash, JSON (DecodedImport); null when not decoded (0009). */
  decoded_identity: Generated<string | null>;
}

/**
 * An imported row's hash (0017), written once with the row and deleted with it: the row is rewritten as the worker
 * claims and settles it, the hash never.
 */
export interface ImportedDeviceHashesTable {
  imported_device_id: string;
  hardware_identifier: Buffer;
}

/** Entra device objects (the one Autopilot registration creates, and later joined devices). */
export interface EntraDevicesTable {
  /** Object id. */
  id: string;
  tenant_id: string;
  /** deviceId (a different GUID from the object id); globally unique. */
  device_id: string;
  display_name: string;
  operating_system: Generated<string>;
  operating_system_version: Generated<string>;
  account_enabled: Generated<number>;
  /** AzureAd, ServerAd, Workplace, or null before join. */
  trust_type: string | null;
  /** RegisteredDevice, SecureVM, Printer, Shared, IoT. */
  profile_type: string | null;
  enrollment_profile_name: string | null;
  autopilot_device_id: string | null;
  created_at: string;
  updated_at: string;
  /** Company | Personal | '' (0005). */
  device_ownership: Generated<string>;
  is_managed: Generated<number>;
  /** 'MDM' when Intune manages it (0005). */
  management_type: Generated<string | null>;
  mdm_app_id: Generated<string | null>;
  approximate_last_sign_in_at: Generated<string | null>;
}

/** physicalIds of an Entra device: `[ZTDID]:<id>`, `[OrderID]:<groupTag>`, `[PurchaseOrderId]:<po>`, `[GID]:…`. */
export interface EntraDevicePhysicalIdsTable {
  entra_device_id: string;
  tenant_id: string;
  value: string;
}

/** windowsAutopilotSettings (beta), one row per tenant once it first syncs (0002). */
export interface AutopilotSettingsTable {
  tenant_id: string;
  /** windowsAutopilotSyncStatus: unknown, inProgress, completed, failed. */
  sync_status: Generated<string>;
  last_sync_at: string | null;
  last_manual_sync_trigger_at: string | null;
}

/** Intune managedDevice (0005). */
export interface ManagedDevicesTable {
  id: string;
  tenant_id: string;
  device_name: Generated<string>;
  /** unknown | company | personal */
  managed_device_owner_type: Generated<string>;
  /** deviceEnrollmentType, e.g. windowsAzureADJoin, windowsAutoEnrollment, userEnrollment. */
  device_enrollment_type: Generated<string>;
  /** azureADJoined | azureADRegistered | hybridAzureADJoined | unknown */
  join_type: Generated<string>;
  management_agent: Generated<string>;
  operating_system: Generated<string>;
  os_version: Generated<string>;
  serial_number: Generated<string>;
  manufacturer: Generated<string>;
  model: Generated<string>;
  /** deviceId of the Entra device. */
  azure_ad_device_id: string | null;
  user_principal_name: Generated<string>;
  enrollment_profile_name: Generated<string>;
  compliance_state: Generated<string>;
  autopilot_enrolled: Generated<number>;
  autopilot_device_id: string | null;
  enrolled_at: string;
  last_sync_at: string;
  created_at: string;
  updated_at: string;
}

/** Identity keys of an Entra device or managed device created from a hardware hash (0005). */
export interface NeighbourHardwareKeysTable {
  /** entraDevice | managedDevice */
  object_type: string;
  object_id: string;
  tenant_id: string;
  kind: string;
  value: string;
  created_at: string;
}

/** Entra groups (0005); dynamic device groups carry a membership rule. */
export interface GroupsTable {
  id: string;
  tenant_id: string;
  display_name: string;
  description: Generated<string>;
  mail_nickname: Generated<string>;
  mail_enabled: Generated<number>;
  security_enabled: Generated<number>;
  /** JSON array, e.g. ["DynamicMembership"]. */
  group_types: Generated<string>;
  membership_rule: string | null;
  /** On | Paused */
  membership_rule_processing_state: string | null;
  created_at: string;
  updated_at: string;
}

export interface GroupMembersTable {
  group_id: string;
  tenant_id: string;
  /** Entra device object id. */
  member_id: string;
  created_at: string;
}

/** windowsAutopilotDeploymentProfile (beta) (0005). */
export interface DeploymentProfilesTable {
  id: string;
  tenant_id: string;
  odata_type: string;
  display_name: string;
  description: Generated<string>;
  /** The rest of the resource as JSON. */
  settings: Generated<string>;
  created_at: string;
  last_modified_at: string;
}

/** windowsAutopilotDeploymentProfileAssignment (0005). */
export interface DeploymentProfileAssignmentsTable {
  /** `<profileId>_<groupId>` */
  id: string;
  tenant_id: string;
  profile_id: string;
  /** group | allDevices | exclusionGroup */
  target_type: string;
  group_id: string | null;
  /** Graph target object (JSON). */
  target: string;
  source: Generated<string>;
  source_id: Generated<string>;
  created_at: string;
}

/** A customer's consent for a partner (reseller) or an OEM (oem) to register its devices (0007). */
export interface OrganizationRelationshipsTable {
  partner_tenant_id: string;
  customer_tenant_id: string;
  kind: string;
  delegated_admin: Generated<number>;
  accepted_at: string;
}

/** A Partner Center device batch: a named list of devices of one customer (0007). */
export interface DeviceBatchesTable {
  id: string;
  customer_tenant_id: string;
  name: string;
  name_key: string;
  created_by_tenant_id: string;
  created_at: string;
}

/** A Partner Center or OEM job: what a batch tracking id names (0007). */
export interface DeviceJobsTable {
  id: string;
  customer_tenant_id: string | null;
  submitted_by_tenant_id: string;
  /** upload, policyUpdate or oemRegistration. */
  kind: string;
  batch_id: string | null;
  request_id: string | null;
  device_count: number;
  created_at: string;
}

/** Per-device outcomes of a job that never went through the import queue (0007). */
export interface DeviceJobResultsTable {
  job_id: string;
  position: number;
  device_id: string | null;
  serial_number: Generated<string>;
  product_key: Generated<string>;
  /** finished or finished_with_errors. */
  status: string;
  error_code: string | null;
  error_description: string | null;
  created_at: string;
}

/** A Partner Center configuration policy (Windows Autopilot profile) of one customer (0007). */
export interface PartnerPoliciesTable {
  id: string;
  customer_tenant_id: string;
  created_by_tenant_id: string;
  name: string;
  category: Generated<string>;
  description: Generated<string>;
  /** JSON array of PolicySettingsType names. */
  settings: Generated<string>;
  created_at: string;
  updated_at: string;
}

/** The audit log (0012): append-only (triggers reject UPDATE and DELETE outside retention's purge). */
export interface AuditEventsTable {
  id: string;
  tenant_id: string;
  activity_at: string;
  display_name: string;
  component_name: string;
  category: string;
  activity_type: string;
  activity_operation_type: string;
  activity_result: string;
  correlation_id: string;
  request_id: string;
  http_method: string;
  http_path: string;
  http_status: number;
  actor_type: string;
  actor_application_id: string | null;
  actor_user_id: string | null;
  actor_user_principal_name: string | null;
  /** JSON auditActor. */
  actor: string;
  /** JSON auditResource[]. */
  resources: string;
}

/** SQLite only (0012): a row here, inside the purge's own transaction, lets audit_events' delete trigger through. */
export interface AuditPurgeGateTable {
  open: number;
}

export interface DatabaseSchema {
  tenants: TenantsTable;
  tenant_domains: TenantDomainsTable;
  apps: AppsTable;
  app_secrets: AppSecretsTable;
  signing_keys: SigningKeysTable;
  autopilot_devices: AutopilotDevicesTable;
  autopilot_device_hashes: AutopilotDeviceHashesTable;
  device_identity_keys: DeviceIdentityKeysTable;
  imported_device_identities: ImportedDeviceIdentitiesTable;
  imported_device_hashes: ImportedDeviceHashesTable;
  entra_devices: EntraDevicesTable;
  entra_device_physical_ids: EntraDevicePhysicalIdsTable;
  autopilot_settings: AutopilotSettingsTable;
  managed_devices: ManagedDevicesTable;
  neighbour_hardware_keys: NeighbourHardwareKeysTable;
  groups: GroupsTable;
  group_members: GroupMembersTable;
  deployment_profiles: DeploymentProfilesTable;
  deployment_profile_assignments: DeploymentProfileAssignmentsTable;
  organization_relationships: OrganizationRelationshipsTable;
  device_batches: DeviceBatchesTable;
  device_jobs: DeviceJobsTable;
  device_job_results: DeviceJobResultsTable;
  partner_policies: PartnerPoliciesTable;
  users: UsersTable;
  auth_codes: AuthCodesTable;
  refresh_tokens: RefreshTokensTable;
  audit_events: AuditEventsTable;
  audit_purge_gate: AuditPurgeGateTable;
}

export type TenantRow = Selectable<TenantsTable>;
export type AppRow = Selectable<AppsTable>;
export type AppSecretRow = Selectable<AppSecretsTable>;
export type UserRow = Selectable<UsersTable>;
export type AuthCodeRow = Selectable<AuthCodesTable>;
export type RefreshTokenRow = Selectable<RefreshTokensTable>;
export type SigningKeyRow = Selectable<SigningKeysTable>;
export type NewAutopilotDevice = Insertable<AutopilotDevicesTable>;
export type AutopilotDeviceUpdate = Updateable<AutopilotDevicesTable>;

