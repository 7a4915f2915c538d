// Deployment profiles and their assignments between Graph and the profiles domain: the Graph entities Tarmac
// answers with (beta; `satisfies` keeps every v1.0 property a real one of @microsoft/microsoft-graph-types, beta
// extras are typed here), and request bodies read as domain input (deprecated property names accepted).
import type { OutOfBoxExperienceSetting as GraphOutOfBoxExperienceSetting, WindowsAutopilotDeploymentProfile } from '@microsoft/microsoft-graph-types';
import type { AssignmentTarget, DeploymentProfile, DeploymentProfileKind, OutOfBoxExperienceSetting, ProfileAssignment } from '../../../profiles/ports.js';
import type { ProfileFields } from '../../../profiles/index.js';
import { GraphError } from '../../graph-errors.js';
import { ACTIVE_DIRECTORY_PROFILE_TYPE, AZURE_AD_PROFILE_TYPE, type AssignmentTargetBody, type ProfileBodyType } from './schemas/profiles.js';

// ---- domain → Graph ---------------------------------------------------------------------------------------------------

/** The deprecated outOfBoxExperienceSettings (beta still returns it next to outOfBoxExperienceSetting). */
export interface BetaOutOfBoxExperienceSettings {
  hidePrivacySettings: boolean;
  hideEULA: boolean;
  userType: 'administrator' | 'standard';
  deviceUsageType: 'singleUser' | 'shared';
  skipKeyboardSelectionPage: boolean;
  hideEscapeLink: boolean;
}

/** What beta adds to (or widens in) v1.0's windowsAutopilotDeploymentProfile (reference §3.4). */
export interface BetaWindowsAutopilotDeploymentProfileExtras {
  deviceType: DeploymentProfile['deviceType'];
  /** Deprecated names, returned next to the new ones. */
  language: string;
  outOfBoxExperienceSettings: BetaOutOfBoxExperienceSettings;
  extractHardwareHash: boolean;
  enableWhiteGlove: boolean;
  enrollmentStatusScreenSettings: DeploymentProfile['enrollmentStatusScreenSettings'];
  /** activeDirectoryWindowsAutopilotDeploymentProfile only. */
  hybridAzureADJoinSkipConnectivityCheck?: boolean;
}

export type BetaWindowsAutopilotDeploymentProfile = Omit<WindowsAutopilotDeploymentProfile, 'deviceType'> & BetaWindowsAutopilotDeploymentProfileExtras;

export function toGraphDeploymentProfile(p: DeploymentProfile) {
  const oobe = p.outOfBoxExperienceSetting;
  return {
    '@odata.type': p.kind === 'activeDirectory' ? ACTIVE_DIRECTORY_PROFILE_TYPE : AZURE_AD_PROFILE_TYPE,
    id: p.id,
    displayName: p.displayName,
    description: p.description,
    language: p.locale,
    locale: p.locale,
    createdDateTime: p.createdAt,
    lastModifiedDateTime: p.lastModifiedAt,
    outOfBoxExperienceSettings: {
      hidePrivacySettings: oobe.privacySettingsHidden,
      hideEULA: oobe.eulaHidden,
      userType: oobe.userType,
      deviceUsageType: oobe.deviceUsageType,
      skipKeyboardSelectionPage: oobe.keyboardSelectionPageSkipped,
      hideEscapeLink: oobe.escapeLinkHidden,
    },
    outOfBoxExperienceSetting: {
      privacySettingsHidden: oobe.privacySettingsHidden,
      eulaHidden: oobe.eulaHidden,
      userType: oobe.userType,
      deviceUsageType: oobe.deviceUsageType,
      keyboardSelectionPageSkipped: oobe.keyboardSelectionPageSkipped,
      escapeLinkHidden: oobe.escapeLinkHidden,
    } satisfies GraphOutOfBoxExperienceSetting,
    enrollmentStatusScreenSettings: p.enrollmentStatusScreenSettings ?? null,
    extractHardwareHash: p.hardwareHashExtractionEnabled,
    hardwareHashExtractionEnabled: p.hardwareHashExtractionEnabled,
    deviceNameTemplate: p.deviceNameTemplate,
    deviceType: p.deviceType,
    enableWhiteGlove: p.preprovisioningAllowed,
    preprovisioningAllowed: p.preprovisioningAllowed,
    roleScopeTagIds: p.roleScopeTagIds,
    managementServiceAppId: p.managementServiceAppId,
    ...(p.kind === 'activeDirectory' ? { hybridAzureADJoinSkipConnectivityCheck: p.hybridAzureADJoinSkipConnectivityCheck } : {}),
  } satisfies BetaWindowsAutopilotDeploymentProfile & { '@odata.type': string };
}

/** beta windowsAutopilotDeploymentProfileAssignment (the v1.0 types package declares it empty). */
export interface BetaWindowsAutopilotDeploymentProfileAssignment {
  id: string;
  target: {
    '@odata.type': string;
    deviceAndAppManagementAssignmentFilterId: string | null;
    deviceAndAppManagementAssignmentFilterType: 'none';
    groupId?: string;
  };
  source: string;
  sourceId: string;
}

const TARGET_TYPES = {
  group: '#microsoft.graph.groupAssignmentTarget',
  allDevices: '#microsoft.graph.allDevicesAssignmentTarget',
  exclusionGroup: '#microsoft.graph.exclusionGroupAssignmentTarget',
} as const;

export function toGraphProfileAssignment(a: ProfileAssignment) {
  return {
    '@odata.type': '#microsoft.graph.windowsAutopilotDeploymentProfileAssignment',
    id: a.id,
    target: {
      '@odata.type': TARGET_TYPES[a.target.kind],
      deviceAndAppManagementAssignmentFilterId: null,
      deviceAndAppManagementAssignmentFilterType: 'none' as const,
      ...(a.target.kind === 'allDevices' ? {} : { groupId: a.target.groupId }),
    },
    source: a.source,
    sourceId: a.sourceId,
  } satisfies BetaWindowsAutopilotDeploymentProfileAssignment & { '@odata.type': string };
}

// ---- Graph → domain ---------------------------------------------------------------------------------------------------

const PROFILE_TYPES: Record<string, DeploymentProfileKind> = {
  [AZURE_AD_PROFILE_TYPE.toLowerCase()]: 'azureAD',
  [ACTIVE_DIRECTORY_PROFILE_TYPE.toLowerCase()]: 'activeDirectory',
};

/** The first of these that is given (not undefined or null). */
function firstGiven<T>(...values: (T | null | undefined)[]): T | undefined {
  for (const value of values) if (value !== undefined && value !== null) return value;
  return undefined;
}

/**
 * A Graph body as profile fields. The deprecated names (outOfBoxExperienceSettings, extractHardwareHash,
 * enableWhiteGlove, language) are accepted; when both spellings are given, the current one wins.
 */
export function profileFieldsOf(body: ProfileBodyType): ProfileFields {
  const fields: ProfileFields = {};
  if (body.displayName !== undefined) fields.displayName = body.displayName;
  if (body.description !== undefined) fields.description = body.description ?? '';
  const locale = body.locale !== undefined ? body.locale : body.language;
  if (locale !== undefined) fields.locale = locale ?? '';
  if (body.deviceNameTemplate !== undefined) fields.deviceNameTemplate = body.deviceNameTemplate ?? '';
  if (body.deviceType !== undefined) fields.deviceType = body.deviceType;
  const current = body.outOfBoxExperienceSetting ?? undefined;
  const old = body.outOfBoxExperienceSettings ?? undefined;
  if (current || old) {
    const oobe: Partial<OutOfBoxExperienceSetting> = {};
    const privacy = firstGiven(current?.privacySettingsHidden, old?.hidePrivacySettings);
    const eula = firstGiven(current?.eulaHidden, old?.hideEULA);
    const userType = firstGiven(current?.userType, old?.userType);
    const usage = firstGiven(current?.deviceUsageType, old?.deviceUsageType);
    const keyboard = firstGiven(current?.keyboardSelectionPageSkipped, old?.skipKeyboardSelectionPage);
    const escape = firstGiven(current?.escapeLinkHidden, old?.hideEscapeLink);
    if (privacy !== undefined) oobe.privacySettingsHidden = privacy;
    if (eula !== undefined) oobe.eulaHidden = eula;
    if (userType !== undefined) oobe.userType = userType;
    if (usage !== undefined) oobe.deviceUsageType = usage;
    if (keyboard !== undefined) oobe.keyboardSelectionPageSkipped = keyboard;
    if (escape !== undefined) oobe.escapeLinkHidden = escape;
    fields.outOfBoxExperienceSetting = oobe;
  }
  const extract = firstGiven(body.hardwareHashExtractionEnabled, body.extractHardwareHash);
  if (extract !== undefined) fields.hardwareHashExtractionEnabled = extract;
  const preprovisioning = firstGiven(body.preprovisioningAllowed, body.enableWhiteGlove);
  if (preprovisioning !== undefined) fields.preprovisioningAllowed = preprovisioning;
  if (body.hybridAzureADJoinSkipConnectivityCheck !== undefined && body.hybridAzureADJoinSkipConnectivityCheck !== null) {
    fields.hybridAzureADJoinSkipConnectivityCheck = body.hybridAzureADJoinSkipConnectivityCheck;
  }
  if (body.roleScopeTagIds !== undefined) fields.roleScopeTagIds = body.roleScopeTagIds ?? ['0'];
  if (body.managementServiceAppId !== undefined) fields.managementServiceAppId = body.managementServiceAppId;
  if (body.enrollmentStatusScreenSettings !== undefined) fields.enrollmentStatusScreenSettings = body.enrollmentStatusScreenSettings;
  return fields;
}

/** The profile kind an @odata.type names (undefined when none is given), or a GraphError. */
export function profileKindOf(odataType: string | undefined): DeploymentProfileKind | undefined {
  if (odataType === undefined) return undefined;
  const kind = PROFILE_TYPES[odataType.toLowerCase()];
  if (!kind) {
    throw new GraphError(400, 'BadRequest', `@odata.type '${odataType}' is not a deployment profile type: use ${AZURE_AD_PROFILE_TYPE} or ${ACTIVE_DIRECTORY_PROFILE_TYPE}.`);
  }
  return kind;
}

const TARGET_KINDS: Record<string, AssignmentTarget['kind']> = {
  '#microsoft.graph.groupassignmenttarget': 'group',
  '#microsoft.graph.alldevicesassignmenttarget': 'allDevices',
  '#microsoft.graph.exclusiongroupassignmenttarget': 'exclusionGroup',
};

const NO_FILTER_IDS = new Set([null, undefined, '', '00000000-0000-0000-0000-000000000000']);

/** An assignment's target as the domain's, or a GraphError naming what Tarmac cannot take. */
export function assignmentTargetOf(target: AssignmentTargetBody): AssignmentTarget {
  const kind = TARGET_KINDS[target['@odata.type'].toLowerCase()];
  if (!kind) {
    throw new GraphError(
      400,
      'BadRequest',
      `target.@odata.type '${target['@odata.type']}' is not supported: use #microsoft.graph.groupAssignmentTarget, #microsoft.graph.allDevicesAssignmentTarget or #microsoft.graph.exclusionGroupAssignmentTarget.`,
    );
  }
  // Tarmac has no assignment filters: only "no filter" is accepted.
  const filterType = target.deviceAndAppManagementAssignmentFilterType;
  if (!NO_FILTER_IDS.has(target.deviceAndAppManagementAssignmentFilterId) || (filterType !== undefined && filterType !== null && filterType !== 'none')) {
    throw new GraphError(400, 'BadRequest', 'target.deviceAndAppManagementAssignmentFilterId: assignment filters are not supported by Tarmac; leave it null (filter type none).');
  }
  if (kind === 'allDevices') return { kind };
  const groupId = target.groupId?.trim();
  if (!groupId) throw new GraphError(400, 'BadRequest', `target.groupId is required for ${target['@odata.type']}.`);
  return { kind, groupId };
}
