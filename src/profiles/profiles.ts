// Deployment profiles and their assignments: the rules Intune applies when they are written (reference §3.4).
// Every change to assignments re-resolves the tenant's devices in the same transaction (src/lifecycle).
import { randomUUID } from 'node:crypto';
import { afterAssignmentsChanged } from '../lifecycle/index.js';
import type { Store } from '../ports.js';
import { validateDeviceNameTemplate } from './device-name.js';
import { ProfileError } from './errors.js';
import type { AssignmentTarget, AutopilotDeviceType, DeploymentProfile, DeploymentProfileKind, EnrollmentStatusScreenSettings, OutOfBoxExperienceSetting, ProfileAssignment } from './ports.js';

/** Intune's limit per tenant. */
export const MAX_PROFILES_PER_TENANT = 350;
export const MAX_DISPLAY_NAME_LENGTH = 200;
export const MAX_DESCRIPTION_LENGTH = 1500;
/** The group id Intune uses for the "All devices" target. */
export const ALL_DEVICES_GROUP_ID = 'adadadad-808e-44e2-905a-0b7873a8a531';

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

/** The portal's defaults for a new user-driven profile. */
const DEFAULT_OOBE: OutOfBoxExperienceSetting = {
  privacySettingsHidden: true,
  eulaHidden: true,
  userType: 'standard',
  deviceUsageType: 'singleUser',
  keyboardSelectionPageSkipped: false,
  escapeLinkHidden: true,
};

export async function findProfile(store: Store, tenantId: string, id: string): Promise<DeploymentProfile> {
  const profile = await store.profiles.find(tenantId, id.toLowerCase());
  if (!profile) throw new ProfileError('NotFound', `No windowsAutopilotDeploymentProfile with id '${id}' in this tenant.`);
  return profile;
}

function checkFields(fields: ProfileFields, kind: DeploymentProfileKind): void {
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

function applyFields(profile: DeploymentProfile, fields: ProfileFields): DeploymentProfile {
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

/** Creates a profile; displayName is required, at most 350 profiles per tenant. */
export async function createProfile(
  store: Store,
  tenantId: string,
  kind: DeploymentProfileKind,
  fields: ProfileFields,
  now: string,
): Promise<DeploymentProfile> {
  if (fields.displayName === undefined) throw new ProfileError('InvalidInput', 'displayName is required.');
  checkFields(fields, kind);
  return store.transaction(async (tx) => {
    const count = await tx.profiles.count(tenantId);
    if (count >= MAX_PROFILES_PER_TENANT) {
      throw new ProfileError(
        'LimitReached',
        `This tenant has ${count} deployment profiles, the most Intune allows (${MAX_PROFILES_PER_TENANT}); delete one before creating another.`,
      );
    }
    const base: DeploymentProfile = {
      id: randomUUID(),
      tenantId,
      kind,
      displayName: '',
      description: '',
      locale: 'os-default',
      deviceNameTemplate: '',
      deviceType: 'windowsPc',
      outOfBoxExperienceSetting: DEFAULT_OOBE,
      hardwareHashExtractionEnabled: false,
      preprovisioningAllowed: false,
      hybridAzureADJoinSkipConnectivityCheck: false,
      roleScopeTagIds: ['0'],
      managementServiceAppId: null,
      createdAt: now,
      lastModifiedAt: now,
    };
    const profile = applyFields(base, fields);
    await tx.profiles.insert(profile);
    return profile;
  });
}

/** PATCH: changes the given fields. The profile's kind (its @odata.type) cannot change. */
export async function updateProfile(store: Store, tenantId: string, id: string, fields: ProfileFields, now: string): Promise<DeploymentProfile> {
  return store.transaction(async (tx) => {
    const current = await findProfile(tx, tenantId, id);
    checkFields(fields, current.kind);
    const profile = { ...applyFields(current, fields), lastModifiedAt: now };
    await tx.profiles.replace(profile);
    // Resolution depends only on assignments and creation times, which a PATCH does not change.
    return profile;
  });
}

/** Deletes a profile; refused while it is assigned (Intune's message). */
export async function deleteProfile(store: Store, tenantId: string, id: string): Promise<void> {
  await store.transaction(async (tx) => {
    const profile = await findProfile(tx, tenantId, id);
    const assignments = await tx.profiles.assignments(tenantId, profile.id);
    if (assignments.length > 0) {
      throw new ProfileError(
        'Conflict',
        `Cannot delete ${profile.displayName}. The profile is assigned to groups. You must unassign all groups from this profile before you can delete it.`,
      );
    }
    await tx.profiles.delete(tenantId, profile.id);
  });
}

export function assignmentId(profileId: string, target: AssignmentTarget): string {
  return `${profileId}_${target.kind === 'allDevices' ? ALL_DEVICES_GROUP_ID : target.groupId}`;
}

/** Assigns the profile to a group, to all devices, or excludes a group; then re-resolves the tenant's devices. */
export async function assignProfile(store: Store, tenantId: string, profileId: string, target: AssignmentTarget, now: string): Promise<ProfileAssignment> {
  return store.transaction(async (tx) => {
    const profile = await findProfile(tx, tenantId, profileId);
    const normalised: AssignmentTarget = target.kind === 'allDevices' ? target : { ...target, groupId: target.groupId.toLowerCase() };
    if (normalised.kind !== 'allDevices' && !(await tx.profiles.groupExists(tenantId, normalised.groupId))) {
      throw new ProfileError('InvalidInput', `target.groupId: no group with id '${normalised.groupId}' in this tenant.`);
    }
    const id = assignmentId(profile.id, normalised);
    const existing = await tx.profiles.findAssignment(tenantId, profile.id, id);
    if (existing) {
      const what = existing.target.kind === 'allDevices' ? 'all devices' : `group '${normalised.kind === 'allDevices' ? '' : normalised.groupId}'`;
      throw new ProfileError('Conflict', `Profile '${profile.displayName}' already has an assignment for ${what} (id '${id}').`);
    }
    const assignment: ProfileAssignment = { id, tenantId, profileId: profile.id, target: normalised, source: 'direct', sourceId: '', createdAt: now };
    await tx.profiles.insertAssignment(assignment);
    await afterAssignmentsChanged(tx, tenantId, now);
    return assignment;
  });
}

/** Removes one assignment; then re-resolves the tenant's devices. */
export async function removeAssignment(store: Store, tenantId: string, profileId: string, id: string, now: string): Promise<void> {
  await store.transaction(async (tx) => {
    const profile = await findProfile(tx, tenantId, profileId);
    const deleted = await tx.profiles.deleteAssignment(tenantId, profile.id, id.toLowerCase());
    if (!deleted) throw new ProfileError('NotFound', `Profile '${profile.displayName}' has no assignment with id '${id}'.`);
    await afterAssignmentsChanged(tx, tenantId, now);
  });
}

export async function findAssignment(store: Store, tenantId: string, profileId: string, id: string): Promise<ProfileAssignment> {
  const profile = await findProfile(store, tenantId, profileId);
  const assignment = await store.profiles.findAssignment(tenantId, profile.id, id.toLowerCase());
  if (!assignment) throw new ProfileError('NotFound', `Profile '${profile.displayName}' has no assignment with id '${id}'.`);
  return assignment;
}
