// Registry objects as Graph entities. `satisfies` keeps every v1.0 property a real one of
// @microsoft/microsoft-graph-types; beta extras (there is no beta types package installed) are typed here.
import type {
  Device,
  EnrollmentState as V1EnrollmentState,
  ImportedWindowsAutopilotDeviceIdentity,
  WindowsAutopilotDeviceIdentity,
} from '@microsoft/microsoft-graph-types';
import type { AutopilotDevice, AutopilotSettings, DeletedDeviceState, EntraDevice, ImportedDevice } from '../../../registry/index.js';
import { EMPTY_GUID, NEVER, type GraphVersion } from './graph-support.js';

/** Properties beta adds to windowsAutopilotDeviceIdentity (autopilot-reference.md §3.1). */
export interface BetaWindowsAutopilotDeviceIdentityExtras {
  enrollmentState: V1EnrollmentState | 'blocked';
  deploymentProfileAssignmentStatus:
    | 'unknown'
    | 'assignedInSync'
    | 'assignedOutOfSync'
    | 'assignedUnkownSyncState'
    | 'notAssigned'
    | 'pending'
    | 'failed';
  deploymentProfileAssignmentDetailedStatus: 'none' | 'hardwareRequirementsNotMet' | 'surfaceHubProfileNotSupported' | 'holoLensProfileNotSupported' | 'windowsPcProfileNotSupported' | 'surfaceHub2SProfileNotSupported' | 'unknownFutureValue';
  deploymentProfileAssignedDateTime: string;
  azureAdDeviceId: string;
  deviceAccountUpn: string;
  deviceAccountPassword: string | null;
  deviceFriendlyName: string;
  remediationState: 'unknown' | 'noRemediationRequired' | 'automaticRemediationRequired' | 'manualRemediationRequired' | 'unknownFutureValue';
  remediationStateLastModifiedDateTime: string;
  userlessEnrollmentStatus: 'unknown' | 'allowed' | 'blocked' | 'unknownFutureValue';
}

export type BetaWindowsAutopilotDeviceIdentity = Omit<WindowsAutopilotDeviceIdentity, 'enrollmentState'> & BetaWindowsAutopilotDeviceIdentityExtras;

/** beta windowsAutopilotSettings. */
export interface BetaWindowsAutopilotSettings {
  id: string;
  lastSyncDateTime: string;
  lastManualSyncTriggerDateTime: string;
  syncStatus: 'unknown' | 'inProgress' | 'completed' | 'failed';
}

/** beta deletedWindowsAutopilotDeviceState. */
export type BetaDeletedWindowsAutopilotDeviceState = DeletedDeviceState;

export function toGraphAutopilotDevice(d: AutopilotDevice, version: GraphVersion) {
  const v1 = {
    '@odata.type': '#microsoft.graph.windowsAutopilotDeviceIdentity',
    id: d.id,
    groupTag: d.groupTag,
    purchaseOrderIdentifier: d.purchaseOrderIdentifier,
    serialNumber: d.serialNumber,
    productKey: d.productKey,
    manufacturer: d.manufacturer,
    model: d.model,
    // v1.0 has no `blocked`.
    enrollmentState: (d.enrollmentState === 'blocked' ? 'unknown' : d.enrollmentState) as V1EnrollmentState,
    lastContactedDateTime: d.lastContactedAt ?? NEVER,
    addressableUserName: d.addressableUserName,
    userPrincipalName: d.userPrincipalName,
    resourceName: d.resourceName,
    skuNumber: d.skuNumber,
    systemFamily: d.systemFamily,
    azureActiveDirectoryDeviceId: d.azureAdDeviceId ?? EMPTY_GUID,
    managedDeviceId: d.managedDeviceId ?? EMPTY_GUID,
    displayName: d.displayName,
  } satisfies WindowsAutopilotDeviceIdentity & { '@odata.type': string };
  if (version === 'v1.0') return v1;
  return {
    ...v1,
    enrollmentState: d.enrollmentState,
    deploymentProfileAssignmentStatus: 'notAssigned',
    deploymentProfileAssignmentDetailedStatus: 'none',
    deploymentProfileAssignedDateTime: NEVER,
    azureAdDeviceId: d.azureAdDeviceId ?? EMPTY_GUID,
    deviceAccountUpn: '',
    deviceAccountPassword: null,
    deviceFriendlyName: '',
    remediationState: 'unknown',
    remediationStateLastModifiedDateTime: NEVER,
    userlessEnrollmentStatus: d.userlessEnrollmentStatus,
  } satisfies BetaWindowsAutopilotDeviceIdentity & { '@odata.type': string };
}

export function toGraphImportedDevice(r: ImportedDevice) {
  return {
    '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
    id: r.id,
    groupTag: r.groupTag,
    serialNumber: r.serialNumber,
    productKey: r.productKey,
    importId: r.importId,
    hardwareIdentifier: r.hardwareIdentifier === null ? null : r.hardwareIdentifier.toString('base64'),
    assignedUserPrincipalName: r.assignedUserPrincipalName,
    state: {
      deviceImportStatus: r.status,
      deviceRegistrationId: r.deviceRegistrationId ?? '',
      deviceErrorCode: r.deviceErrorCode,
      deviceErrorName: r.deviceErrorName,
    },
  } satisfies ImportedWindowsAutopilotDeviceIdentity & { '@odata.type': string };
}

export function toGraphEntraDevice(e: EntraDevice) {
  return {
    '@odata.type': '#microsoft.graph.device',
    id: e.id,
    deletedDateTime: null,
    accountEnabled: e.accountEnabled,
    approximateLastSignInDateTime: null,
    complianceExpirationDateTime: null,
    deviceCategory: null,
    deviceId: e.deviceId,
    deviceMetadata: null,
    deviceOwnership: null,
    deviceVersion: null,
    displayName: e.displayName,
    enrollmentProfileName: e.enrollmentProfileName,
    enrollmentType: null,
    isCompliant: null,
    isManaged: null,
    isRooted: false,
    managementType: null,
    manufacturer: null,
    mdmAppId: null,
    model: null,
    onPremisesLastSyncDateTime: null,
    onPremisesSecurityIdentifier: null,
    onPremisesSyncEnabled: null,
    operatingSystem: e.operatingSystem,
    operatingSystemVersion: e.operatingSystemVersion,
    physicalIds: e.physicalIds,
    profileType: e.profileType,
    registrationDateTime: e.createdAt,
    systemLabels: [],
    trustType: e.trustType,
    alternativeSecurityIds: [],
  } satisfies Device & { '@odata.type': string };
}

export function toGraphAutopilotSettings(s: AutopilotSettings) {
  return {
    '@odata.type': '#microsoft.graph.windowsAutopilotSettings',
    id: s.tenantId,
    lastSyncDateTime: s.lastSyncAt ?? NEVER,
    lastManualSyncTriggerDateTime: s.lastManualSyncTriggerAt ?? NEVER,
    syncStatus: s.syncStatus,
  } satisfies BetaWindowsAutopilotSettings & { '@odata.type': string };
}
