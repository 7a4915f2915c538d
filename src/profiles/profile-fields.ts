// What a deployment profile's create and update may set, the rules those values must follow (reference §3.4) and
// how they apply to a profile. Pure: no storage.
import { validateDeviceNameTemplate } from './device-name.js';
import { ProfileError } from './errors.js';
import type {
  AutopilotDeviceType,
  DeploymentProfile,
  DeploymentProfileKind,
  EnrollmentStatusScreenSettings,
  OutOfBoxExperienceSetting,
} from './ports.js';

export const MAX_DISPLAY_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 1500;

export const DEVICE_TYPES: readonly AutopilotDeviceType[] = ['windowsPc', 'surfaceHub2', 'holoLens', 'surfaceHub2S', 'virtualMachine', 'unknownFutureValue'];

/** What a create or update may set; absent fields keep their value (or the default on create). */
export interface ProfileFields {
  displayName?: string;
  description?: string;
  locale?: string;
  deviceNameTemplate?: string;
  deviceType?: AutopilotDeviceType;
  outOfBoxExperienceSetting?: Partial<OutOfBoxExperienceSetting>;
  hardwareHashExtractionEnabled?: boolean;
  preprovisioningAllowed?: boolean;
  hybridAzureADJoinSkipConnectivityCheck?: boolean;
  roleScopeTagIds?: string[];
  managementServiceAppId?: string | null;
  enrollmentStatusScreenSettings?: EnrollmentStatusScreenSettings | null;
}

/** Throws ProfileError('InvalidInput') for the first given field a profile of this kind cannot have. */
export function checkFields(fields: ProfileFields, kind: DeploymentProfileKind): void {
  if (fields.displayName !== undefined) {
    if (fields.displayName.trim() === '') throw new ProfileError('InvalidInput', 'displayName is required and must not be empty.');
    if (fields.displayName.length > MAX_DISPLAY_NAME_LENGTH) {
      throw new ProfileError('InvalidInput', `displayName is ${fields.displayName.length} characters long; at most ${MAX_DISPLAY_NAME_LENGTH} are allowed.`);
    }
  }
  if (fields.description !== undefined && fields.description.length > MAX_DESCRIPTION_LENGTH) {
    throw new ProfileError('InvalidInput', `description is ${fields.description.length} characters long; at most ${MAX_DESCRIPTION_LENGTH} are allowed.`);
  }
  if (fields.deviceNameTemplate !== undefined) {
    const problem = validateDeviceNameTemplate(fields.deviceNameTemplate);
    if (problem) throw new ProfileError('InvalidInput', problem);
  }
  if (fields.locale !== undefined && fields.locale !== '' && !/^(os-default|[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*)$/.test(fields.locale)) {
    throw new ProfileError('InvalidInput', `locale '${fields.locale}' is not a language tag such as en-US (or os-default).`);
  }
  if (fields.hybridAzureADJoinSkipConnectivityCheck !== undefined && kind !== 'activeDirectory') {
    throw new ProfileError('InvalidInput', 'hybridAzureADJoinSkipConnectivityCheck applies only to activeDirectoryWindowsAutopilotDeploymentProfile (hybrid join).');
  }
}

/** The profile with the given fields set (checked first with checkFields). */
export function applyFields(profile: DeploymentProfile, fields: ProfileFields): DeploymentProfile {
  return {
    ...profile,
    ...(fields.displayName !== undefined ? { displayName: fields.displayName.trim() } : {}),
    ...(fields.description !== undefined ? { description: fields.description } : {}),
    ...(fields.locale !== undefined ? { locale: fields.locale === '' ? 'os-default' : fields.locale } : {}),
    ...(fields.deviceNameTemplate !== undefined ? { deviceNameTemplate: fields.deviceNameTemplate } : {}),
    ...(fields.deviceType !== undefined ? { deviceType: fields.deviceType } : {}),
    outOfBoxExperienceSetting: { ...profile.outOfBoxExperienceSetting, ...definedOnly(fields.outOfBoxExperienceSetting ?? {}) },
    ...(fields.hardwareHashExtractionEnabled !== undefined ? { hardwareHashExtractionEnabled: fields.hardwareHashExtractionEnabled } : {}),
    ...(fields.preprovisioningAllowed !== undefined ? { preprovisioningAllowed: fields.preprovisioningAllowed } : {}),
    ...(fields.hybridAzureADJoinSkipConnectivityCheck !== undefined ? { hybridAzureADJoinSkipConnectivityCheck: fields.hybridAzureADJoinSkipConnectivityCheck } : {}),
    ...(fields.roleScopeTagIds !== undefined ? { roleScopeTagIds: fields.roleScopeTagIds } : {}),
    ...(fields.managementServiceAppId !== undefined ? { managementServiceAppId: fields.managementServiceAppId } : {}),
    ...(fields.enrollmentStatusScreenSettings !== undefined ? { enrollmentStatusScreenSettings: fields.enrollmentStatusScreenSettings } : {}),
  };
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
