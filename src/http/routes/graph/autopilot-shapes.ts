// Registry objects as Graph entities. `satisfies` keeps every v1.0 property a real one of
// @microsoft/microsoft-graph-types; beta extras (there is no beta types package installed) are typed here.
import type {
  EnrollmentState as V1EnrollmentState,
  ImportedWindowsAutopilotDeviceIdentity,
  WindowsAutopilotDeviceIdentity,
} from '@microsoft/microsoft-graph-types';
import type { AutopilotSettings, DeletedDeviceState, ImportedDevice } from '../../../registry/index.js';
import type { AutopilotDevice, ProfileAssignmentStatus } from '../../../model/index.js';
import type { DeploymentProfile } from '../../../profiles/ports.js';
import { GraphError } from '../../graph-errors.js';
import { toGraphDeploymentProfile } from './deployment-profile-shapes.js';
import { EMPTY_GUID, NEVER, type GraphVersion } from './graph-support.js';

/** Properties beta adds to windowsAutopilotDeviceIdentity (autopilot-reference.md §3.1). */
export interface BetaWindowsAutopilotDeviceIdentityExtras {
  enrollmentState: V1EnrollmentState | 'blocked';
  deploymentProfileAssignmentStatus: ProfileAssignmentStatus;
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
    deploymentProfileAssignmentStatus: d.deploymentProfileAssignmentStatus,
    deploymentProfileAssignmentDetailedStatus: 'none',
    deploymentProfileAssignedDateTime: d.deploymentProfileAssignedAt ?? NEVER,
    azureAdDeviceId: d.azureAdDeviceId ?? EMPTY_GUID,
    deviceAccountUpn: '',
    deviceAccountPassword: null,
    deviceFriendlyName: '',
    remediationState: d.remediationState,
    remediationStateLastModifiedDateTime: d.remediationStateModifiedAt ?? NEVER,
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

// toGraphEntraDevice lives in directory-shapes.ts.

export function toGraphAutopilotSettings(s: AutopilotSettings) {
  return {
    '@odata.type': '#microsoft.graph.windowsAutopilotSettings',
    id: s.tenantId,
    lastSyncDateTime: s.lastSyncAt ?? NEVER,
    lastManualSyncTriggerDateTime: s.lastManualSyncTriggerAt ?? NEVER,
    syncStatus: s.syncStatus,
  } satisfies BetaWindowsAutopilotSettings & { '@odata.type': string };
}

/** The navigation properties of windowsAutopilotDeviceIdentity that beta can $expand. */
export const AUTOPILOT_DEVICE_EXPANDS = ['deploymentProfile', 'intendedDeploymentProfile'] as const;
export type AutopilotDeviceExpand = (typeof AUTOPILOT_DEVICE_EXPANDS)[number];

/**
 * $expand of a windowsAutopilotDeviceIdentity request (undefined: none given), or a GraphError naming what is wrong.
 * Names are matched case-insensitively; `*` expands both; nested options (`deploymentProfile($select=…)`) are refused.
 */
export function parseAutopilotDeviceExpand(query: unknown, version: GraphVersion): AutopilotDeviceExpand[] {
  const entries = Object.entries((query ?? {}) as Record<string, unknown>).filter(([key]) => key.toLowerCase() === '$expand');
  if (entries.length === 0) return [];
  const [[key, value]] = entries as [[string, unknown]];
  if (entries.length > 1 || Array.isArray(value)) throw new GraphError(400, 'BadRequest', 'Invalid $expand: $expand is given more than once.');
  if (version === 'v1.0') {
    throw new GraphError(400, 'BadRequest', `Invalid ${key}: windowsAutopilotDeviceIdentity has no navigation properties in v1.0; use /beta for deploymentProfile and intendedDeploymentProfile.`);
  }
  if (typeof value !== 'string' || value.trim() === '') throw new GraphError(400, 'BadRequest', `Invalid ${key}: it must name deploymentProfile and/or intendedDeploymentProfile.`);
  const out: AutopilotDeviceExpand[] = [];
  for (const raw of value.split(',').map((part) => part.trim())) {
    const names: readonly AutopilotDeviceExpand[] =
      raw === '*' ? AUTOPILOT_DEVICE_EXPANDS : AUTOPILOT_DEVICE_EXPANDS.filter((name) => name.toLowerCase() === raw.toLowerCase());
    if (names.length === 0) {
      const detail = raw.includes('(') ? 'nested query options are not supported' : 'unknown navigation property';
      throw new GraphError(400, 'BadRequest', `Invalid ${key}: '${raw}': ${detail} (supported: ${AUTOPILOT_DEVICE_EXPANDS.join(', ')}).`);
    }
    for (const name of names) if (!out.includes(name)) out.push(name);
  }
  return out;
}

/** The profile ids a page of devices needs for these expansions. */
export function expandedProfileIds(devices: AutopilotDevice[], expand: AutopilotDeviceExpand[]): string[] {
  const ids = new Set<string>();
  for (const device of devices) {
    if (expand.includes('deploymentProfile') && device.deploymentProfileId) ids.add(device.deploymentProfileId);
    if (expand.includes('intendedDeploymentProfile') && device.intendedDeploymentProfileId) ids.add(device.intendedDeploymentProfileId);
  }
  return [...ids];
}

/** The device's Graph entity with the expanded profiles embedded (null when it has none). */
export function withExpandedProfiles<T extends object>(
  entity: T,
  device: AutopilotDevice,
  expand: AutopilotDeviceExpand[],
  profiles: Map<string, DeploymentProfile>,
): T & Partial<Record<AutopilotDeviceExpand, ReturnType<typeof toGraphDeploymentProfile> | null>> {
  const out: Record<string, unknown> = { ...(entity as Record<string, unknown>) };
  for (const name of expand) {
    const id = name === 'deploymentProfile' ? device.deploymentProfileId : device.intendedDeploymentProfileId;
    const profile = id ? profiles.get(id) : undefined;
    out[name] = profile ? toGraphDeploymentProfile(profile) : null;
  }
  return out as T & Partial<Record<AutopilotDeviceExpand, ReturnType<typeof toGraphDeploymentProfile> | null>>;
}
