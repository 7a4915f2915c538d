// The OData models of the store's tables: for each Graph entity set, its queryable properties mapped to columns, with
// what each supports (sorting, indexes, substring search). src/http/odata validates queries against them; the
// compiler next to this file turns them into SQL. Column names are the store's (schema.ts).
import {
  DEVICE_ENROLLMENT_TYPES,
  ENROLLMENT_STATES,
  JOIN_TYPES,
  MANAGED_DEVICE_OWNER_TYPES,
  PROFILE_ASSIGNMENT_STATUSES,
  REMEDIATION_STATES,
  type EntityModel,
  type SubstringIndex,
} from '../../model/index.js';
import { SEARCH_PARTITION_SPAN } from '../migrations/0009-search-at-scale.js';

/** The FTS5 trigram index that migration 0003 builds for serial numbers on SQLite, partitioned by tenant by 0009. */
export const SERIAL_NUMBER_INDEX: SubstringIndex = {
  sqlite: {
    ftsTable: 'autopilot_device_search_fts',
    linkTable: 'autopilot_device_search',
    linkRowid: 'search_id',
    linkKey: 'device_id',
    partition: { table: 'autopilot_device_search_tenants', key: 'tenant_id', base: 'base', span: SEARCH_PARTITION_SPAN },
  },
};

const text = { type: 'string', sortable: true } as const;
/** Intune string properties: NOT NULL, "" when unset (`eq null` matches ""). */
const intuneText = { ...text, emptyIsNull: true } as const;

export const autopilotDeviceModel: EntityModel = {
  name: 'windowsAutopilotDeviceIdentity',
  table: 'autopilot_devices',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true, indexed: true },
    serialNumber: { ...intuneText, column: 'serial_number', indexed: true, searchable: SERIAL_NUMBER_INDEX },
    groupTag: { ...intuneText, column: 'group_tag' },
    purchaseOrderIdentifier: { ...intuneText, column: 'purchase_order_identifier' },
    productKey: { ...intuneText, column: 'product_key' },
    manufacturer: { ...intuneText, column: 'manufacturer' },
    model: { ...intuneText, column: 'model' },
    enrollmentState: { column: 'enrollment_state', type: 'enum', enumValues: ENROLLMENT_STATES, sortable: true },
    lastContactedDateTime: { column: 'last_contacted_at', type: 'dateTime', nullable: true, sortable: true },
    addressableUserName: { ...intuneText, column: 'addressable_user_name' },
    userPrincipalName: { ...intuneText, column: 'user_principal_name' },
    displayName: { ...intuneText, column: 'display_name' },
    resourceName: { ...intuneText, column: 'resource_name' },
    skuNumber: { ...intuneText, column: 'sku_number' },
    systemFamily: { ...intuneText, column: 'system_family' },
    azureActiveDirectoryDeviceId: { column: 'azure_ad_device_id', type: 'string', nullable: true, storedLowercase: true },
    azureAdDeviceId: { column: 'azure_ad_device_id', type: 'string', nullable: true, storedLowercase: true },
    managedDeviceId: { column: 'managed_device_id', type: 'string', nullable: true, storedLowercase: true },
    // Beta properties (profile resolution and hardware-change remediation).
    deploymentProfileAssignmentStatus: { column: 'deployment_profile_assignment_status', type: 'enum', enumValues: PROFILE_ASSIGNMENT_STATUSES, sortable: true },
    deploymentProfileAssignedDateTime: { column: 'deployment_profile_assigned_at', type: 'dateTime', nullable: true, sortable: true },
    remediationState: { column: 'remediation_state', type: 'enum', enumValues: REMEDIATION_STATES, sortable: true },
    remediationStateLastModifiedDateTime: { column: 'remediation_state_modified_at', type: 'dateTime', nullable: true, sortable: true },
  },
};

export const importedDeviceModel: EntityModel = {
  name: 'importedWindowsAutopilotDeviceIdentity',
  table: 'imported_device_identities',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    importId: { ...intuneText, column: 'import_id' },
    groupTag: { ...intuneText, column: 'group_tag' },
    serialNumber: { ...intuneText, column: 'serial_number' },
    productKey: { ...intuneText, column: 'product_key' },
    assignedUserPrincipalName: { ...intuneText, column: 'assigned_user_principal_name' },
    // In imported_device_hashes (0017), read after the page: neither filterable nor sortable.
    hardwareIdentifier: { column: 'hardware_identifier', type: 'string', filterable: false },
    state: { column: 'import_status', type: 'string', filterable: false },
  },
};

export const entraDeviceModel: EntityModel = {
  name: 'device',
  table: 'entra_devices',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    deviceId: { column: 'device_id', type: 'string', storedLowercase: true, sortable: true },
    displayName: { ...text, column: 'display_name' },
    operatingSystem: { ...text, column: 'operating_system' },
    operatingSystemVersion: { ...text, column: 'operating_system_version' },
    accountEnabled: { column: 'account_enabled', type: 'boolean' },
    trustType: { column: 'trust_type', type: 'string', nullable: true, sortable: true },
    profileType: { column: 'profile_type', type: 'string', nullable: true },
    enrollmentProfileName: { column: 'enrollment_profile_name', type: 'string', nullable: true },
    registrationDateTime: { column: 'created_at', type: 'dateTime', sortable: true },
    deviceOwnership: { ...text, column: 'device_ownership' },
    isManaged: { column: 'is_managed', type: 'boolean' },
    managementType: { column: 'management_type', type: 'string', nullable: true },
    mdmAppId: { column: 'mdm_app_id', type: 'string', nullable: true },
    approximateLastSignInDateTime: { column: 'approximate_last_sign_in_at', type: 'dateTime', nullable: true, sortable: true },
    // physicalIds/any(p: startswith(p, '[ZTDID]')): EXISTS over the element table (primary key starts with the device).
    physicalIds: {
      column: 'id',
      type: 'stringCollection',
      collection: { table: 'entra_device_physical_ids', foreignKey: 'entra_device_id', valueColumn: 'value' },
    },
  },
};

export const groupModel: EntityModel = {
  name: 'group',
  table: 'groups',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    displayName: { ...text, column: 'display_name' },
    mailNickname: { ...text, column: 'mail_nickname' },
    description: { ...text, column: 'description' },
    securityEnabled: { column: 'security_enabled', type: 'boolean' },
    mailEnabled: { column: 'mail_enabled', type: 'boolean' },
    membershipRule: { column: 'membership_rule', type: 'string', nullable: true },
    membershipRuleProcessingState: { column: 'membership_rule_processing_state', type: 'enum', enumValues: ['On', 'Paused'], nullable: true },
    createdDateTime: { column: 'created_at', type: 'dateTime', sortable: true },
    groupTypes: { column: 'group_types', type: 'string', filterable: false },
  },
};

/**
 * windowsAutopilotDeploymentProfile (beta): Graph documents $select, $top, $skip and $orderby (displayName,
 * description); Tarmac also filters on displayName (the CLI finds profiles by name). Properties kept in the JSON
 * `settings` column can be selected, not filtered or sorted.
 */
export const deploymentProfileModel: EntityModel = {
  name: 'windowsAutopilotDeploymentProfile',
  table: 'deployment_profiles',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true },
    displayName: { ...text, column: 'display_name' },
    description: { ...text, column: 'description', filterable: false },
    createdDateTime: { column: 'created_at', type: 'dateTime', sortable: true, filterable: false },
    lastModifiedDateTime: { column: 'last_modified_at', type: 'dateTime', sortable: true, filterable: false },
    ...Object.fromEntries(
      [
        'language',
        'locale',
        'outOfBoxExperienceSettings',
        'outOfBoxExperienceSetting',
        'enrollmentStatusScreenSettings',
        'extractHardwareHash',
        'hardwareHashExtractionEnabled',
        'deviceNameTemplate',
        'deviceType',
        'enableWhiteGlove',
        'preprovisioningAllowed',
        'roleScopeTagIds',
        'managementServiceAppId',
        'hybridAzureADJoinSkipConnectivityCheck',
      ].map((name) => [name, { column: 'settings', type: 'string', filterable: false } as const]),
    ),
  },
};

export const managedDeviceModel: EntityModel = {
  name: 'managedDevice',
  table: 'managed_devices',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true, indexed: true },
    deviceName: { ...intuneText, column: 'device_name' },
    serialNumber: { ...intuneText, column: 'serial_number' },
    managedDeviceOwnerType: { column: 'managed_device_owner_type', type: 'enum', enumValues: MANAGED_DEVICE_OWNER_TYPES, sortable: true },
    deviceEnrollmentType: { column: 'device_enrollment_type', type: 'enum', enumValues: DEVICE_ENROLLMENT_TYPES, sortable: true },
    joinType: { column: 'join_type', type: 'enum', enumValues: JOIN_TYPES, sortable: true },
    azureADDeviceId: { column: 'azure_ad_device_id', type: 'string', nullable: true, storedLowercase: true },
    operatingSystem: { ...intuneText, column: 'operating_system' },
    osVersion: { ...intuneText, column: 'os_version' },
    manufacturer: { ...intuneText, column: 'manufacturer' },
    model: { ...intuneText, column: 'model' },
    userPrincipalName: { ...intuneText, column: 'user_principal_name' },
    enrollmentProfileName: { ...intuneText, column: 'enrollment_profile_name' },
    complianceState: { ...intuneText, column: 'compliance_state' },
    managementAgent: { ...intuneText, column: 'management_agent' },
    autopilotEnrolled: { column: 'autopilot_enrolled', type: 'boolean' },
    enrolledDateTime: { column: 'enrolled_at', type: 'dateTime', sortable: true },
    lastSyncDateTime: { column: 'last_sync_at', type: 'dateTime', sortable: true },
  },
};

/**
 * auditEvent (Intune's audit log): the properties admins filter on, actor/… as property paths. Sorted newest first
 * unless $orderby says otherwise (the route adds `activityDateTime desc`); index (tenant_id, activity_at desc, id).
 */
export const auditEventModel: EntityModel = {
  name: 'auditEvent',
  table: 'audit_events',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true, indexed: true },
    activityDateTime: { column: 'activity_at', type: 'dateTime', sortable: true },
    displayName: { ...text, column: 'display_name' },
    componentName: { ...text, column: 'component_name' },
    category: { ...text, column: 'category' },
    activity: { ...text, column: 'display_name' },
    activityType: { ...text, column: 'activity_type' },
    activityOperationType: { ...text, column: 'activity_operation_type' },
    activityResult: { ...text, column: 'activity_result' },
    correlationId: { column: 'correlation_id', type: 'string', storedLowercase: true, sortable: true, indexed: true },
    actor: { column: 'actor', type: 'string', filterable: false },
    'actor/applicationId': { column: 'actor_application_id', type: 'string', nullable: true, storedLowercase: true, selectable: false },
    'actor/userId': { column: 'actor_user_id', type: 'string', nullable: true, storedLowercase: true, selectable: false },
    'actor/userPrincipalName': { column: 'actor_user_principal_name', type: 'string', nullable: true, selectable: false },
    'actor/auditActorType': { column: 'actor_type', type: 'string', selectable: false },
    resources: { column: 'resources', type: 'string', filterable: false },
  },
};
