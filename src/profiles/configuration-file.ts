// AutopilotConfigurationFile.json: the offline form of a deployment profile (Autopilot for existing devices), and the
// document the device-side profile download answers with. Fields and the OOBE bitmap follow what Microsoft's
// WindowsAutopilotIntune module (ConvertTo-AutopilotConfigurationJSON) writes; see reference §6.3.
import { expandDeviceName } from './device-name.js';
import type { DeploymentProfile, OutOfBoxExperienceSetting } from './ports.js';

/** The document, in the field order it is written. Optional fields are left out when they do not apply. */
export interface AutopilotConfigurationFile {
  Version: number;
  CloudAssignedTenantId: string;
  CloudAssignedTenantDomain: string;
  CloudAssignedOobeConfig: number;
  /** 0 Entra joined, 1 hybrid (Active Directory) joined. */
  CloudAssignedDomainJoinMethod: 0 | 1;
  CloudAssignedForcedEnrollment: 0 | 1;
  /** The profile id; the device reports it as OfflineAutopilotEnrollmentCorrelator. */
  ZtdCorrelationId: string;
  /** JSON text: {"ZeroTouchConfig":{"CloudAssignedTenantUpn":"","ForcedEnrollment":n,"CloudAssignedTenantDomain":d}}. */
  CloudAssignedAadServerData: string;
  CloudAssignedDeviceName?: string;
  CloudAssignedLanguage?: string;
  Comment_File: string;
}

const FIELD_ORDER: (keyof AutopilotConfigurationFile)[] = [
  'Version',
  'CloudAssignedTenantId',
  'CloudAssignedTenantDomain',
  'CloudAssignedOobeConfig',
  'CloudAssignedDomainJoinMethod',
  'CloudAssignedForcedEnrollment',
  'ZtdCorrelationId',
  'CloudAssignedAadServerData',
  'CloudAssignedDeviceName',
  'CloudAssignedLanguage',
  'Comment_File',
];

/** The file format version Microsoft's tooling writes. */
export const CONFIGURATION_FILE_VERSION = 2049;

/** The correlation id of the built-in document used when no profile is assigned. */
export const DEFAULT_DOCUMENT_CORRELATION_ID = '00000000-0000-0000-0000-000000000000';

// CloudAssignedOobeConfig bits (Partner Center's policies use 2, 4, 8 and 16 too: src/partners/policy-profile.ts).
export const OOBE_USER_NOT_LOCAL_ADMIN = 2;
export const SKIP_EXPRESS_SETTINGS = 4; // privacy settings page
export const SKIP_OEM_REGISTRATION = 8;
export const SKIP_EULA = 16;
const SELF_DEPLOYING = 32 + 64; // shared devices (self-deploying: TPM attestation, no user)
export const ALWAYS_SET = 256; // set on every profile by Microsoft's module
const SKIP_KEYBOARD_SELECTION = 1024;

/** The OOBE bitmap of these settings. */
export function oobeConfigBitmap(settings: OutOfBoxExperienceSetting): number {
  let bitmap = SKIP_OEM_REGISTRATION + ALWAYS_SET;
  if (settings.userType === 'standard') bitmap += OOBE_USER_NOT_LOCAL_ADMIN;
  if (settings.privacySettingsHidden) bitmap += SKIP_EXPRESS_SETTINGS;
  if (settings.eulaHidden) bitmap += SKIP_EULA;
  if (settings.keyboardSelectionPageSkipped) bitmap += SKIP_KEYBOARD_SELECTION;
  if (settings.deviceUsageType === 'shared') bitmap += SELF_DEPLOYING;
  return bitmap;
}

/** What a registered device without an assigned profile gets: user-driven, Entra join, privacy and EULA pages hidden. */
export const DEFAULT_OOBE_SETTINGS: OutOfBoxExperienceSetting = {
  privacySettingsHidden: true,
  eulaHidden: true,
  userType: 'administrator',
  deviceUsageType: 'singleUser',
  keyboardSelectionPageSkipped: false,
  escapeLinkHidden: true,
};

export interface ConfigurationFileInput {
  profile: DeploymentProfile | null;
  tenant: { id: string; domain: string };
  /** With a device, the name template is expanded for it; without, the template is written as is. */
  device?: { serialNumber: string } | undefined;
  /** Digits for %RAND:x% (like Math.random). */
  random?: (() => number) | undefined;
}

/** The AutopilotConfigurationFile for a profile (or the default document when profile is null). */
export function autopilotConfigurationFile(input: ConfigurationFileInput): AutopilotConfigurationFile {
  const { profile, tenant } = input;
  const settings = profile?.outOfBoxExperienceSetting ?? DEFAULT_OOBE_SETTINGS;
  // Hiding the escape link (no way out to a local account) is what forced enrollment means.
  const forcedEnrollment: 0 | 1 = settings.escapeLinkHidden ? 1 : 0;
  const file: AutopilotConfigurationFile = {
    Version: CONFIGURATION_FILE_VERSION,
    CloudAssignedTenantId: tenant.id,
    CloudAssignedTenantDomain: tenant.domain,
    CloudAssignedOobeConfig: oobeConfigBitmap(settings),
    CloudAssignedDomainJoinMethod: profile?.kind === 'activeDirectory' ? 1 : 0,
    CloudAssignedForcedEnrollment: forcedEnrollment,
    ZtdCorrelationId: profile?.id ?? DEFAULT_DOCUMENT_CORRELATION_ID,
    CloudAssignedAadServerData: JSON.stringify({
      ZeroTouchConfig: { CloudAssignedTenantUpn: '', ForcedEnrollment: forcedEnrollment, CloudAssignedTenantDomain: tenant.domain },
    }),
    Comment_File: profile ? `Profile ${profile.displayName}` : 'No deployment profile assigned: Tarmac default settings',
  };
  if (profile?.deviceNameTemplate) {
    file.CloudAssignedDeviceName = input.device
      ? expandDeviceName(profile.deviceNameTemplate, input.device.serialNumber, input.random)
      : profile.deviceNameTemplate;
  }
  if (profile && profile.locale !== '' && profile.locale.toLowerCase() !== 'os-default') {
    file.CloudAssignedLanguage = profile.locale;
  }
  return file;
}

/**
 * The file's text: JSON in the documented field order with every non-ASCII character escaped as \uXXXX, so that
 * the bytes are pure ASCII (OOBE ignores Unicode/UTF-8 files).
 */
export function toAsciiJson(file: AutopilotConfigurationFile): string {
  const ordered: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) {
    if (file[field] !== undefined) ordered[field] = file[field];
  }
  return JSON.stringify(ordered, null, 4).replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
