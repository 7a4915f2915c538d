// Deployment profiles in the console: the Graph (beta) shapes the pages read, the wizard's form and its defaults,
// and the body a form becomes. The device name template rules and the example name come from Tarmac's own
// src/profiles/device-name.ts (pure TS, browser-safe), so the wizard says exactly what the server would.
// The OOBE defaults mirror src/profiles/new-profile.ts's PORTAL_DEFAULT_OOBE (that file imports node:crypto).
import { expandDeviceName, validateDeviceNameTemplate } from '../../../src/profiles/device-name.js';

export { expandDeviceName, validateDeviceNameTemplate };

export const PROFILES_PATH = '/beta/deviceManagement/windowsAutopilotDeploymentProfiles';
export const AZURE_AD_TYPE = '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile';
export const ACTIVE_DIRECTORY_TYPE = '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile';

export const TARGET_GROUP = '#microsoft.graph.groupAssignmentTarget';
export const TARGET_EXCLUSION = '#microsoft.graph.exclusionGroupAssignmentTarget';
export const TARGET_ALL_DEVICES = '#microsoft.graph.allDevicesAssignmentTarget';

export interface GraphOobe {
  privacySettingsHidden: boolean;
  eulaHidden: boolean;
  userType: 'administrator' | 'standard';
  deviceUsageType: 'singleUser' | 'shared';
  keyboardSelectionPageSkipped: boolean;
  escapeLinkHidden: boolean;
}

export interface GraphProfile {
  '@odata.type': string;
  id: string;
  displayName: string;
  description: string | null;
  locale: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  outOfBoxExperienceSetting: GraphOobe;
  hardwareHashExtractionEnabled: boolean;
  deviceNameTemplate: string;
  deviceType: string;
  preprovisioningAllowed: boolean;
  hybridAzureADJoinSkipConnectivityCheck?: boolean;
}

export interface GraphAssignment {
  id: string;
  target: { '@odata.type': string; groupId?: string };
}

export type JoinType = 'azureAD' | 'activeDirectory';
export type DeploymentMode = 'userDriven' | 'selfDeploying';

/** What the wizard edits, one field per control. */
export interface ProfileForm {
  displayName: string;
  description: string;
  convertAllTargeted: boolean;
  deviceType: string;
  mode: DeploymentMode;
  joinType: JoinType;
  skipConnectivityCheck: boolean;
  eulaHidden: boolean;
  privacySettingsHidden: boolean;
  escapeLinkHidden: boolean;
  userType: 'administrator' | 'standard';
  preprovisioningAllowed: boolean;
  locale: string;
  keyboardSelectionPageSkipped: boolean;
  applyNameTemplate: boolean;
  deviceNameTemplate: string;
}

/** Who gets the profile: all devices or the included groups, minus the excluded groups. */
export interface AssignmentForm {
  allDevices: boolean;
  included: string[];
  excluded: string[];
}

/** A new Windows PC profile with the portal's defaults (user-driven, Entra joined, EULA/privacy/change account hidden). */
export function newProfileForm(deviceType = 'windowsPc'): ProfileForm {
  return {
    displayName: '',
    description: '',
    convertAllTargeted: false,
    deviceType,
    mode: 'userDriven',
    joinType: 'azureAD',
    skipConnectivityCheck: false,
    eulaHidden: true,
    privacySettingsHidden: true,
    escapeLinkHidden: true,
    userType: 'standard',
    preprovisioningAllowed: false,
    locale: 'os-default',
    keyboardSelectionPageSkipped: false,
    applyNameTemplate: false,
    deviceNameTemplate: '',
  };
}

export function joinTypeOf(profile: Pick<GraphProfile, '@odata.type'>): JoinType {
  return profile['@odata.type'].toLowerCase() === ACTIVE_DIRECTORY_TYPE.toLowerCase() ? 'activeDirectory' : 'azureAD';
}

export const JOIN_TYPE_LABEL: Record<JoinType, string> = { azureAD: 'Microsoft Entra joined', activeDirectory: 'Microsoft Entra hybrid joined' };
export const MODE_LABEL: Record<DeploymentMode, string> = { userDriven: 'User-driven', selfDeploying: 'Self-deploying' };

export function modeOf(profile: GraphProfile): DeploymentMode {
  return profile.outOfBoxExperienceSetting.deviceUsageType === 'shared' ? 'selfDeploying' : 'userDriven';
}

/** The form showing a saved profile. */
export function formOf(p: GraphProfile): ProfileForm {
  const oobe = p.outOfBoxExperienceSetting;
  return {
    displayName: p.displayName,
    description: p.description ?? '',
    convertAllTargeted: p.hardwareHashExtractionEnabled,
    deviceType: p.deviceType,
    mode: modeOf(p),
    joinType: joinTypeOf(p),
    skipConnectivityCheck: p.hybridAzureADJoinSkipConnectivityCheck ?? false,
    eulaHidden: oobe.eulaHidden,
    privacySettingsHidden: oobe.privacySettingsHidden,
    escapeLinkHidden: oobe.escapeLinkHidden,
    userType: oobe.userType,
    preprovisioningAllowed: p.preprovisioningAllowed,
    locale: p.locale || 'os-default',
    keyboardSelectionPageSkipped: oobe.keyboardSelectionPageSkipped,
    applyNameTemplate: p.deviceNameTemplate !== '',
    deviceNameTemplate: p.deviceNameTemplate,
  };
}

/**
 * The form with Intune's per-mode rules applied (A.7): self-deploying is Entra joined only, hides the EULA, privacy
 * settings and change-account options and makes the user a standard user; hybrid join has no name template (the
 * domain join profile names the device). The controls for these values are greyed out.
 */
export function effectiveForm(form: ProfileForm): ProfileForm {
  let f = form;
  if (f.mode === 'selfDeploying') {
    f = { ...f, joinType: 'azureAD', eulaHidden: true, privacySettingsHidden: true, escapeLinkHidden: true, userType: 'standard' };
  }
  if (f.joinType === 'activeDirectory') f = { ...f, applyNameTemplate: false };
  return f;
}

/** What is wrong with the Basics step, or null. */
export function basicsProblem(form: ProfileForm): string | null {
  if (form.displayName.trim() === '') return 'Name is required.';
  if (form.displayName.length > 200) return `Name is ${form.displayName.length} characters long; at most 200 are allowed.`;
  if (form.description.length > 1500) return `Description is ${form.description.length} characters long; at most 1500 are allowed.`;
  return null;
}

/** What is wrong with the OOBE step (the server's own template message), or null. */
export function oobeProblem(form: ProfileForm): string | null {
  const f = effectiveForm(form);
  if (f.applyNameTemplate) {
    if (f.deviceNameTemplate === '') return 'Enter a name template, or set Apply device name template to No.';
    return validateDeviceNameTemplate(f.deviceNameTemplate);
  }
  return null;
}

/** The Graph body for a create (with @odata.type) or an update (the type cannot change). */
export function bodyOf(form: ProfileForm, forCreate: boolean): Record<string, unknown> {
  const f = effectiveForm(form);
  return {
    ...(forCreate ? { '@odata.type': f.joinType === 'activeDirectory' ? ACTIVE_DIRECTORY_TYPE : AZURE_AD_TYPE, deviceType: f.deviceType } : {}),
    displayName: f.displayName.trim(),
    description: f.description,
    hardwareHashExtractionEnabled: f.convertAllTargeted,
    locale: f.locale,
    preprovisioningAllowed: f.preprovisioningAllowed,
    deviceNameTemplate: f.applyNameTemplate ? f.deviceNameTemplate : '',
    ...(f.joinType === 'activeDirectory' ? { hybridAzureADJoinSkipConnectivityCheck: f.skipConnectivityCheck } : {}),
    outOfBoxExperienceSetting: {
      deviceUsageType: f.mode === 'selfDeploying' ? 'shared' : 'singleUser',
      eulaHidden: f.eulaHidden,
      privacySettingsHidden: f.privacySettingsHidden,
      escapeLinkHidden: f.escapeLinkHidden,
      userType: f.userType,
      keyboardSelectionPageSkipped: f.keyboardSelectionPageSkipped,
    },
  };
}

export function assignmentFormOf(assignments: GraphAssignment[]): AssignmentForm {
  const kind = (a: GraphAssignment) => a.target['@odata.type'].toLowerCase();
  return {
    allDevices: assignments.some((a) => kind(a) === TARGET_ALL_DEVICES.toLowerCase()),
    included: assignments.filter((a) => kind(a) === TARGET_GROUP.toLowerCase()).map((a) => a.target.groupId ?? ''),
    excluded: assignments.filter((a) => kind(a) === TARGET_EXCLUSION.toLowerCase()).map((a) => a.target.groupId ?? ''),
  };
}

/** The targets an assignment form stands for, keyed so that saved and wanted targets can be compared. */
export function targetsOf(form: AssignmentForm): Map<string, GraphAssignment['target']> {
  const out = new Map<string, GraphAssignment['target']>();
  if (form.allDevices) out.set('all', { '@odata.type': TARGET_ALL_DEVICES });
  else for (const groupId of form.included) out.set(`in:${groupId}`, { '@odata.type': TARGET_GROUP, groupId });
  for (const groupId of form.excluded) out.set(`ex:${groupId}`, { '@odata.type': TARGET_EXCLUSION, groupId });
  return out;
}

export function targetKey(target: GraphAssignment['target']): string {
  const type = target['@odata.type'].toLowerCase();
  if (type === TARGET_ALL_DEVICES.toLowerCase()) return 'all';
  return `${type === TARGET_EXCLUSION.toLowerCase() ? 'ex' : 'in'}:${target.groupId ?? ''}`;
}

/** A sample serial number for the name template's live example. */
export const SAMPLE_SERIAL = '5CG1234XYZ';

/** The example name of a template against the sample serial (digits of %RAND:x% fixed, so the example is stable). */
export function exampleName(template: string, serial = SAMPLE_SERIAL): string | null {
  if (template === '' || validateDeviceNameTemplate(template) !== null) return null;
  let n = 0;
  const digits = [4, 7, 1, 9, 3, 8, 2, 6, 5, 0];
  return expandDeviceName(template, serial, () => digits[n++ % digits.length] / 10 + 0.05);
}

/** Languages offered under Language (Region); os-default first. */
export const LOCALES: { value: string; label: string }[] = [
  { value: 'os-default', label: 'Operating system default' },
  { value: 'en-US', label: 'English (United States)' },
  { value: 'en-GB', label: 'English (United Kingdom)' },
  { value: 'de-DE', label: 'German (Germany)' },
  { value: 'fr-FR', label: 'French (France)' },
  { value: 'es-ES', label: 'Spanish (Spain)' },
  { value: 'it-IT', label: 'Italian (Italy)' },
  { value: 'nl-NL', label: 'Dutch (Netherlands)' },
  { value: 'pt-BR', label: 'Portuguese (Brazil)' },
  { value: 'ja-JP', label: 'Japanese (Japan)' },
  { value: 'zh-CN', label: 'Chinese (Simplified, China)' },
];
