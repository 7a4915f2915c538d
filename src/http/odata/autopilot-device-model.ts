// The OData model of windowsAutopilotDeviceIdentity over the autopilot_devices table (see store/schema.ts).
import type { EntityModel, SubstringIndex } from './model.js';

/** The FTS5 trigram index that migration 0003 builds for serial numbers on SQLite. */
export const SERIAL_NUMBER_INDEX: SubstringIndex = {
  sqlite: { ftsTable: 'autopilot_device_search_fts', linkTable: 'autopilot_device_search', linkRowid: 'search_id', linkKey: 'device_id' },
};

export const ENROLLMENT_STATES = ['unknown', 'enrolled', 'pendingReset', 'failed', 'notContacted', 'blocked'] as const;

export const PROFILE_ASSIGNMENT_STATUSES = [
  'unknown',
  'assignedInSync',
  'assignedOutOfSync',
  'assignedUnkownSyncState',
  'notAssigned',
  'pending',
  'failed',
] as const;

export const REMEDIATION_STATES = ['unknown', 'noRemediationRequired', 'automaticRemediationRequired', 'manualRemediationRequired'] as const;

/** Intune string properties: NOT NULL, "" when unset. */
const text = { type: 'string', sortable: true, emptyIsNull: true } as const;

export const autopilotDeviceModel: EntityModel = {
  name: 'windowsAutopilotDeviceIdentity',
  table: 'autopilot_devices',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true, indexed: true },
    serialNumber: { ...text, column: 'serial_number', indexed: true, searchable: SERIAL_NUMBER_INDEX },
    groupTag: { ...text, column: 'group_tag' },
    purchaseOrderIdentifier: { ...text, column: 'purchase_order_identifier' },
    productKey: { ...text, column: 'product_key' },
    manufacturer: { ...text, column: 'manufacturer' },
    model: { ...text, column: 'model' },
    enrollmentState: { column: 'enrollment_state', type: 'enum', enumValues: ENROLLMENT_STATES, sortable: true },
    lastContactedDateTime: { column: 'last_contacted_at', type: 'dateTime', nullable: true, sortable: true },
    addressableUserName: { ...text, column: 'addressable_user_name' },
    userPrincipalName: { ...text, column: 'user_principal_name' },
    displayName: { ...text, column: 'display_name' },
    resourceName: { ...text, column: 'resource_name' },
    skuNumber: { ...text, column: 'sku_number' },
    systemFamily: { ...text, column: 'system_family' },
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
