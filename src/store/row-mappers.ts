// Rows to domain objects and back, for every table the repositories read: the one place that knows both the
// column names (schema.ts) and the domain's shapes. Booleans are 0/1 integers and ids lowercase text on both engines.
import type { Insertable, Selectable } from 'kysely';
import type { Group, MembershipRuleProcessingState } from '../directory/ports.js';
import type {
  AutopilotDevice,
  EnrollmentState,
  EntraDevice,
  ManagedDevice,
  ManagedDeviceJoinType,
  ManagedDeviceOwnerType,
  ProfileAssignmentStatus,
  RegistrationOrigin,
  RemediationState,
  UserlessEnrollmentStatus,
} from '../model/index.js';
import type { AssignmentTarget, DeploymentProfile, ProfileAssignment } from '../profiles/ports.js';
import type { BootDevice, DecodedImport, ImportedDevice, ImportStatus } from '../registry/ports.js';
import type { App, AppSecret, AuthCode, RefreshToken, UserWithPassword } from '../tenants/ports.js';
import type { SigningKeyRecord } from '../tokens/ports.js';
import type {
  AppRow,
  AppSecretRow,
  AuthCodeRow,
  AutopilotDevicesTable,
  DeploymentProfileAssignmentsTable,
  DeploymentProfilesTable,
  EntraDevicesTable,
  GroupsTable,
  ImportedDeviceIdentitiesTable,
  ManagedDevicesTable,
  RefreshTokenRow,
  SigningKeyRow,
  UserRow,
} from './schema.js';

export function asBuffer(value: Buffer | Uint8Array | null): Buffer | null {
  if (value === null) return null;
  return Buffer.isBuffer(value) ? value : Buffer.from(value);
}

// ---- registry -----------------------------------------------------------------------------------------------------

type ImportRow = Selectable<ImportedDeviceIdentitiesTable> & { hardware_identifier: Buffer | Uint8Array | null };

/** An imported_device_identities row, with its hash from imported_device_hashes, as the domain's ImportedDevice. */
export function importedDeviceFromRow(row: ImportRow): ImportedDevice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    importId: row.import_id,
    groupTag: row.group_tag,
    serialNumber: row.serial_number,
    productKey: row.product_key,
    hardwareIdentifier: asBuffer(row.hardware_identifier),
    assignedUserPrincipalName: row.assigned_user_principal_name,
    manufacturer: row.manufacturer,
    model: row.model,
    origin: row.origin as RegistrationOrigin,
    originTenantId: row.origin_tenant_id,
    jobId: row.job_id,
    jobPosition: row.job_position === null ? null : Number(row.job_position),
    batchId: row.batch_id,
    status: row.import_status as ImportStatus,
    deviceRegistrationId: row.device_registration_id,
    deviceErrorCode: Number(row.device_error_code),
    deviceErrorName: row.device_error_name,
    decoded: row.decoded_identity === null ? null : (JSON.parse(row.decoded_identity) as DecodedImport),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export type DeviceRow = Selectable<AutopilotDevicesTable>;

/** An autopilot_devices row as the domain's AutopilotDevice. */
export function autopilotDeviceFromRow(row: DeviceRow): AutopilotDevice {
  // One literal with every field, bootDeviceFromRow's ten repeated: built as a spread of bootDeviceFromRow(row) and
  // then extended, the object cost V8 ~30 µs a row instead of 0.4 (3 ms of every 100-device page; bench query at 1M,
  // startswith p50 3.3 → 1.2 ms).
  return {
    id: row.id,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    managedDeviceId: row.managed_device_id,
    lastContactedAt: row.last_contacted_at,
    deploymentProfileId: row.deployment_profile_id,
    deploymentProfileAssignmentStatus: row.deployment_profile_assignment_status as ProfileAssignmentStatus,
    deliveredProfileId: row.delivered_profile_id,
    partnerPolicyId: row.partner_policy_id,
    remediationState: row.remediation_state as RemediationState,
    productKey: row.product_key,
    manufacturer: row.manufacturer,
    model: row.model,
    groupTag: row.group_tag,
    purchaseOrderIdentifier: row.purchase_order_identifier,
    enrollmentState: row.enrollment_state as EnrollmentState,
    addressableUserName: row.addressable_user_name,
    userPrincipalName: row.user_principal_name,
    displayName: row.display_name,
    resourceName: row.resource_name,
    skuNumber: row.sku_number,
    systemFamily: row.system_family,
    azureAdDeviceId: row.azure_ad_device_id,
    userlessEnrollmentStatus: row.userless_enrollment_status as UserlessEnrollmentStatus,
    intendedDeploymentProfileId: row.intended_deployment_profile_id,
    deploymentProfileAssignedAt: row.deployment_profile_assigned_at,
    remediationStateModifiedAt: row.remediation_state_modified_at,
    registeredBy: row.registered_by as RegistrationOrigin,
    registeredByTenantId: row.registered_by_tenant_id,
    partnerBatchId: row.partner_batch_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The columns of autopilot_devices that a BootDevice holds. */
export const BOOT_DEVICE_COLUMNS = [
  'id',
  'tenant_id',
  'serial_number',
  'managed_device_id',
  'last_contacted_at',
  'deployment_profile_id',
  'deployment_profile_assignment_status',
  'delivered_profile_id',
  'partner_policy_id',
  'remediation_state',
] as const satisfies readonly (keyof DeviceRow)[];

/** The columns of deployment_profiles a boot lookup reads with the device, each as `profile_<column>`. */
export const BOOT_PROFILE_COLUMNS = ['id', 'tenant_id', 'odata_type', 'display_name', 'description', 'settings', 'created_at', 'last_modified_at'] as const satisfies readonly (keyof Selectable<DeploymentProfilesTable>)[];

/** A boot lookup's row: the device's BOOT_DEVICE_COLUMNS and its profile's BOOT_PROFILE_COLUMNS (null without one). */
export type BootDeviceRow = Pick<DeviceRow, (typeof BOOT_DEVICE_COLUMNS)[number]> & {
  [C in (typeof BOOT_PROFILE_COLUMNS)[number] as `profile_${C}`]: Selectable<DeploymentProfilesTable>[C] | null;
};

/** How many distinct profile settings texts bootDeviceFromRow keeps parsed (a tenant has a handful of profiles). */
const PARSED_SETTINGS_KEPT = 512;
const parsedSettings = new Map<string, StoredSettings>();

/**
 * A profile's settings text parsed, frozen, and kept by its text: the boot lookup maps the same few profiles for
 * every PC, and parsing ~450 characters of JSON cost ~3 µs of a download's ~200 (CPU profile, 2026-12-07). Keyed by
 * the text itself, so a changed profile is simply another entry; the whole map is dropped when full.
 */
function bootProfileSettings(text: string): StoredSettings {
  let settings = parsedSettings.get(text);
  if (settings === undefined) {
    if (parsedSettings.size >= PARSED_SETTINGS_KEPT) parsedSettings.clear();
    settings = deepFreeze(JSON.parse(text) as StoredSettings);
    parsedSettings.set(text, settings);
  }
  return settings;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Those columns as the domain's BootDevice with its deploymentProfile (autopilotDeviceFromRow maps them the same way).
 * The profile's nested settings are frozen and shared between lookups (bootProfileSettings).
 */
export function bootDeviceFromRow(row: BootDeviceRow): BootDevice {
  const profile =
    row.profile_id === null
      ? null
      : profileOf(
          {
            id: row.profile_id,
            tenant_id: row.profile_tenant_id!,
            odata_type: row.profile_odata_type!,
            display_name: row.profile_display_name!,
            description: row.profile_description!,
            created_at: row.profile_created_at!,
            last_modified_at: row.profile_last_modified_at!,
          },
          bootProfileSettings(row.profile_settings!),
        );
  return {
    id: row.id,
    tenantId: row.tenant_id,
    serialNumber: row.serial_number,
    managedDeviceId: row.managed_device_id,
    lastContactedAt: row.last_contacted_at,
    deploymentProfileId: row.deployment_profile_id,
    deploymentProfileAssignmentStatus: row.deployment_profile_assignment_status as ProfileAssignmentStatus,
    deliveredProfileId: row.delivered_profile_id,
    partnerPolicyId: row.partner_policy_id,
    remediationState: row.remediation_state as RemediationState,
    deploymentProfile: profile,
  };
}

// ---- directory ----------------------------------------------------------------------------------------------------

type EntraRow = Selectable<EntraDevicesTable>;

/** An entra_devices row with its physicalIds as the domain's EntraDevice. */
export function entraDeviceFromRow(r: EntraRow, physicalIds: string[]): EntraDevice {
  return {
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
    physicalIds: sortPhysicalIds(physicalIds),
    deviceOwnership: r.device_ownership,
    isManaged: Number(r.is_managed) === 1,
    managementType: r.management_type,
    mdmAppId: r.mdm_app_id,
    approximateLastSignInAt: r.approximate_last_sign_in_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export function entraDeviceRowOf(e: EntraDevice): Insertable<EntraDevicesTable> {
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

/** [ZTDID] first, then [OrderID], [PurchaseOrderId], then the rest alphabetically: a stable order for clients. */
function sortPhysicalIds(values: string[]): string[] {
  const rank = (v: string): number => (v.startsWith('[ZTDID]') ? 0 : v.startsWith('[OrderID]') ? 1 : v.startsWith('[PurchaseOrderId]') ? 2 : 3);
  return values.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

type GroupRow = Selectable<GroupsTable>;

/** A groups row as the domain's Group. */
export function groupFromRow(row: GroupRow): Group {
  let groupTypes: string[] = [];
  try {
    const parsed: unknown = JSON.parse(row.group_types);
    if (Array.isArray(parsed)) groupTypes = parsed.map(String);
  } catch {
    groupTypes = [];
  }
  return {
    id: row.id,
    tenantId: row.tenant_id,
    displayName: row.display_name,
    description: row.description,
    mailNickname: row.mail_nickname,
    mailEnabled: Number(row.mail_enabled) === 1,
    securityEnabled: Number(row.security_enabled) === 1,
    groupTypes,
    membershipRule: row.membership_rule,
    membershipRuleProcessingState: row.membership_rule_processing_state as MembershipRuleProcessingState | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function groupRowOf(g: Group): Insertable<GroupsTable> {
  return {
    id: g.id,
    tenant_id: g.tenantId,
    display_name: g.displayName,
    description: g.description,
    mail_nickname: g.mailNickname,
    mail_enabled: g.mailEnabled ? 1 : 0,
    security_enabled: g.securityEnabled ? 1 : 0,
    group_types: JSON.stringify(g.groupTypes),
    membership_rule: g.membershipRule,
    membership_rule_processing_state: g.membershipRuleProcessingState,
    created_at: g.createdAt,
    updated_at: g.updatedAt,
  };
}

// ---- profiles -----------------------------------------------------------------------------------------------------

const AZURE_AD_TYPE = '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile';
const ACTIVE_DIRECTORY_TYPE = '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile';

/** What `settings` holds: the profile minus what has columns of its own. */
type StoredSettings = Omit<DeploymentProfile, 'id' | 'tenantId' | 'kind' | 'displayName' | 'description' | 'createdAt' | 'lastModifiedAt'>;

export function deploymentProfileFromRow(row: Selectable<DeploymentProfilesTable>): DeploymentProfile {
  return profileOf(row, JSON.parse(row.settings) as StoredSettings);
}

/** The profile of a row whose settings are already parsed (`settings`). */
function profileOf(row: Omit<Selectable<DeploymentProfilesTable>, 'settings'>, settings: StoredSettings): DeploymentProfile {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    kind: row.odata_type === ACTIVE_DIRECTORY_TYPE ? 'activeDirectory' : 'azureAD',
    displayName: row.display_name,
    description: row.description,
    locale: settings.locale,
    deviceNameTemplate: settings.deviceNameTemplate,
    deviceType: settings.deviceType,
    outOfBoxExperienceSetting: settings.outOfBoxExperienceSetting,
    hardwareHashExtractionEnabled: settings.hardwareHashExtractionEnabled,
    preprovisioningAllowed: settings.preprovisioningAllowed,
    hybridAzureADJoinSkipConnectivityCheck: settings.hybridAzureADJoinSkipConnectivityCheck,
    roleScopeTagIds: settings.roleScopeTagIds,
    managementServiceAppId: settings.managementServiceAppId,
    ...(settings.enrollmentStatusScreenSettings !== undefined ? { enrollmentStatusScreenSettings: settings.enrollmentStatusScreenSettings } : {}),
    createdAt: row.created_at,
    lastModifiedAt: row.last_modified_at,
  };
}

export function deploymentProfileRowOf(profile: DeploymentProfile): Insertable<DeploymentProfilesTable> & { description: string; settings: string } {
  const settings: StoredSettings = {
    locale: profile.locale,
    deviceNameTemplate: profile.deviceNameTemplate,
    deviceType: profile.deviceType,
    outOfBoxExperienceSetting: profile.outOfBoxExperienceSetting,
    hardwareHashExtractionEnabled: profile.hardwareHashExtractionEnabled,
    preprovisioningAllowed: profile.preprovisioningAllowed,
    hybridAzureADJoinSkipConnectivityCheck: profile.hybridAzureADJoinSkipConnectivityCheck,
    roleScopeTagIds: profile.roleScopeTagIds,
    managementServiceAppId: profile.managementServiceAppId,
    ...(profile.enrollmentStatusScreenSettings !== undefined ? { enrollmentStatusScreenSettings: profile.enrollmentStatusScreenSettings } : {}),
  };
  return {
    id: profile.id,
    tenant_id: profile.tenantId,
    odata_type: profile.kind === 'activeDirectory' ? ACTIVE_DIRECTORY_TYPE : AZURE_AD_TYPE,
    display_name: profile.displayName,
    description: profile.description,
    settings: JSON.stringify(settings),
    created_at: profile.createdAt,
    last_modified_at: profile.lastModifiedAt,
  };
}

export function assignmentTargetOf(row: Pick<Selectable<DeploymentProfileAssignmentsTable>, 'target_type' | 'group_id'>): AssignmentTarget {
  if (row.target_type === 'allDevices') return { kind: 'allDevices' };
  if (row.target_type === 'exclusionGroup') return { kind: 'exclusionGroup', groupId: row.group_id ?? '' };
  return { kind: 'group', groupId: row.group_id ?? '' };
}

export function assignmentFromRow(row: Selectable<DeploymentProfileAssignmentsTable>): ProfileAssignment {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    profileId: row.profile_id,
    target: assignmentTargetOf(row),
    source: row.source,
    sourceId: row.source_id,
    createdAt: row.created_at,
  };
}

// ---- intune -------------------------------------------------------------------------------------------------------

type ManagedDeviceRow = Selectable<ManagedDevicesTable>;

/** A managed_devices row as the domain's ManagedDevice. */
export function managedDeviceFromRow(row: ManagedDeviceRow): ManagedDevice {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    deviceName: row.device_name,
    managedDeviceOwnerType: row.managed_device_owner_type as ManagedDeviceOwnerType,
    deviceEnrollmentType: row.device_enrollment_type,
    joinType: row.join_type as ManagedDeviceJoinType,
    managementAgent: row.management_agent,
    operatingSystem: row.operating_system,
    osVersion: row.os_version,
    serialNumber: row.serial_number,
    manufacturer: row.manufacturer,
    model: row.model,
    azureAdDeviceId: row.azure_ad_device_id,
    userPrincipalName: row.user_principal_name,
    enrollmentProfileName: row.enrollment_profile_name,
    complianceState: row.compliance_state,
    autopilotEnrolled: Number(row.autopilot_enrolled) === 1,
    autopilotDeviceId: row.autopilot_device_id,
    enrolledAt: row.enrolled_at,
    lastSyncAt: row.last_sync_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

// ---- tenants ------------------------------------------------------------------------------------------------------

export function appFromRow(row: AppRow): App {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    displayName: row.display_name,
    roles: parseRoles(row.roles),
    createdAt: row.created_at,
    redirectUris: parseRoles(row.redirect_uris),
    publicClient: row.public_client === 1,
  };
}

export function userFromRow(row: UserRow): UserWithPassword {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    userPrincipalName: row.user_principal_name,
    displayName: row.display_name,
    roles: parseRoles(row.roles),
    accountEnabled: row.account_enabled === 1,
    createdAt: row.created_at,
    passwordHash: row.password_hash,
  };
}

export function authCodeFromRow(row: AuthCodeRow): AuthCode {
  return {
    codeHash: row.code_hash,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    userId: row.user_id,
    redirectUri: row.redirect_uri,
    scope: row.scope,
    codeChallenge: row.code_challenge,
    nonce: row.nonce,
    familyId: row.family_id,
    expiresAt: row.expires_at,
    used: row.used === 1,
    createdAt: row.created_at,
  };
}

export function refreshTokenFromRow(row: RefreshTokenRow): RefreshToken {
  return {
    tokenHash: row.token_hash,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    userId: row.user_id,
    scope: row.scope,
    familyId: row.family_id,
    expiresAt: row.expires_at,
    revoked: row.revoked === 1,
    createdAt: row.created_at,
  };
}

function parseRoles(json: string): string[] {
  const value: unknown = JSON.parse(json);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

export function appSecretFromRow(row: AppSecretRow): AppSecret {
  return { id: row.id, appId: row.app_id, hint: row.hint, hash: row.secret_hash, createdAt: row.created_at, expiresAt: row.expires_at };
}

export function signingKeyFromRow(row: SigningKeyRow): SigningKeyRecord {
  const jwk: unknown = JSON.parse(row.public_jwk);
  const publicJwk: Record<string, string> = {};
  if (typeof jwk === 'object' && jwk !== null) {
    for (const [k, v] of Object.entries(jwk)) if (typeof v === 'string') publicJwk[k] = v;
  }
  if (row.alg !== 'RS256') throw new Error(`Signing key ${row.kid} uses ${row.alg}; Tarmac signs with RS256 only.`);
  return { kid: row.kid, alg: 'RS256', publicJwk, privatePkcs8: row.private_pkcs8, createdAt: row.created_at, retiredAt: row.retired_at };
}
