// The profiles domain: deployment profiles and their assignments (one file per operation), which profile each device
// resolves to, device name templates and the AutopilotConfigurationFile. No SQL (storage is ports.ts, implemented by
// src/store/profile-repository.ts) and no HTTP.
export * from './ports.js';
export { ProfileError, type ProfileErrorCode } from './errors.js';
export { DEVICE_TYPES, MAX_DESCRIPTION_LENGTH, MAX_DISPLAY_NAME_LENGTH, type ProfileFields } from './profile-fields.js';
export { findProfile } from './find-profile.js';
export { createProfile, MAX_PROFILES_PER_TENANT } from './create-profile.js';
export { newProfile, PORTAL_DEFAULT_OOBE, type NewProfileFields } from './new-profile.js';
export { updateProfile } from './update-profile.js';
export { deleteProfile } from './delete-profile.js';
export { assignProfile, assignmentId, ALL_DEVICES_GROUP_ID } from './assign-profile.js';
export { unassignProfile } from './unassign-profile.js';
export { findAssignment } from './find-assignment.js';
export { resolveDeploymentProfiles, groupIsTargeted, profileTargeting, assignmentStatus, type ResolutionScope } from './resolve.js';
export { expandDeviceName, validateDeviceNameTemplate, MAX_DEVICE_NAME_LENGTH } from './device-name.js';
export {
  autopilotConfigurationFile,
  toAsciiJson,
  oobeConfigBitmap,
  CONFIGURATION_FILE_VERSION,
  DEFAULT_DOCUMENT_CORRELATION_ID,
  DEFAULT_OOBE_SETTINGS,
  type AutopilotConfigurationFile,
  type ConfigurationFileInput,
} from './configuration-file.js';
