// What the deployment-profile domain (profiles, assignments, resolution) needs from storage.
// src/store/profile-repository.ts implements it. No SQL, no HTTP.
import type { AutopilotDevice, ListPage, ListQuery } from '../model/index.js';

/** Entra join of the profile: azureADWindowsAutopilotDeploymentProfile or activeDirectory… (hybrid join). */
export type DeploymentProfileKind = 'azureAD' | 'activeDirectory';

/** windowsAutopilotDeviceType. */
export type AutopilotDeviceType = 'windowsPc' | 'surfaceHub2' | 'holoLens' | 'surfaceHub2S' | 'virtualMachine' | 'unknownFutureValue';

/** outOfBoxExperienceSetting (beta): what OOBE shows and who the first user is. */
export interface OutOfBoxExperienceSetting {
  privacySettingsHidden: boolean;
  eulaHidden: boolean;
  userType: 'administrator' | 'standard';
  /** shared = self-deploying (no user affinity). */
  deviceUsageType: 'singleUser' | 'shared';
  keyboardSelectionPageSkipped: boolean;
  /** Hides "Change account" / the escape to a local account: forced enrollment. */
  escapeLinkHidden: boolean;
}

/** windowsEnrollmentStatusScreenSettings, kept as given (Tarmac does not run the ESP). */
export interface EnrollmentStatusScreenSettings {
  hideInstallationProgress?: boolean;
  allowDeviceUseBeforeProfileAndAppInstallComplete?: boolean;
  blockDeviceSetupRetryByUser?: boolean;
  allowLogCollectionOnInstallFailure?: boolean;
  customErrorMessage?: string | null;
  installProgressTimeoutInMinutes?: number;
  allowDeviceUseOnInstallFailure?: boolean;
}

/** A windowsAutopilotDeploymentProfile (beta). */
export interface DeploymentProfile {
  id: string;
  tenantId: string;
  kind: DeploymentProfileKind;
  displayName: string;
  description: string;
  /** e.g. "en-US"; "os-default" lets the user choose. */
  locale: string;
  /** Empty when the device keeps its OEM name. */
  deviceNameTemplate: string;
  deviceType: AutopilotDeviceType;
  outOfBoxExperienceSetting: OutOfBoxExperienceSetting;
  /** "Convert all targeted devices to Autopilot". */
  hardwareHashExtractionEnabled: boolean;
  /** Pre-provisioning (white glove). */
  preprovisioningAllowed: boolean;
  /** Only for activeDirectory (hybrid) profiles; false otherwise. */
  hybridAzureADJoinSkipConnectivityCheck: boolean;
  roleScopeTagIds: string[];
  managementServiceAppId: string | null;
  enrollmentStatusScreenSettings?: EnrollmentStatusScreenSettings | null;
  createdAt: string;
  lastModifiedAt: string;
}

/** The target of an assignment: a group, all devices, or a group excluded from the profile. */
export type AssignmentTarget =
  | { kind: 'group'; groupId: string }
  | { kind: 'allDevices' }
  | { kind: 'exclusionGroup'; groupId: string };

/** windowsAutopilotDeploymentProfileAssignment. */
export interface ProfileAssignment {
  /** `<profileId>_<groupId>` (all devices: the well-known all-devices id). */
  id: string;
  tenantId: string;
  profileId: string;
  target: AssignmentTarget;
  /** direct | policySets. */
  source: string;
  sourceId: string;
  createdAt: string;
}

/** What resolution needs to know about one Autopilot device. */
export interface ResolutionDevice {
  autopilotDeviceId: string;
  /** The Entra objects behind it (normally one; hybrid join may add a second). */
  entraObjectIds: string[];
  deploymentProfileId: string | null;
  intendedDeploymentProfileId: string | null;
  deploymentProfileAssignmentStatus: string;
  deploymentProfileAssignedAt: string | null;
  deliveredProfileId: string | null;
}

/** What resolution writes back for one Autopilot device. */
export interface ResolvedProfile {
  autopilotDeviceId: string;
  /** Written to both deploymentProfile and intendedDeploymentProfile. */
  profileId: string | null;
  status: string;
  /** undefined: leave deploymentProfileAssignedAt as it is. */
  assignedAt?: string | null | undefined;
}

/** An assignment with the created time of its profile (for oldest-wins). */
export interface AssignmentForResolution {
  profileId: string;
  profileCreatedAt: string;
  target: AssignmentTarget;
}

export interface ProfileRepository {
  find(tenantId: string, id: string): Promise<DeploymentProfile | null>;
  findMany(tenantId: string, ids: string[]): Promise<DeploymentProfile[]>;
  /** Profiles whose displayName equals this (case-insensitive). */
  findByName(tenantId: string, displayName: string): Promise<DeploymentProfile[]>;
  /** A page of the tenant's profiles under an OData list query. */
  list(tenantId: string, query: ListQuery): Promise<ListPage<DeploymentProfile>>;
  count(tenantId: string): Promise<number>;
  insert(profile: DeploymentProfile): Promise<void>;
  /** Replaces every stored property of the profile (id and tenant select it). */
  replace(profile: DeploymentProfile): Promise<void>;
  /** Deletes the profile (its assignments must be gone). */
  delete(tenantId: string, id: string): Promise<boolean>;

  assignments(tenantId: string, profileId: string): Promise<ProfileAssignment[]>;
  findAssignment(tenantId: string, profileId: string, assignmentId: string): Promise<ProfileAssignment | null>;
  insertAssignment(assignment: ProfileAssignment): Promise<void>;
  deleteAssignment(tenantId: string, profileId: string, assignmentId: string): Promise<boolean>;
  /** Removes every assignment targeting (or excluding) the group; returns how many there were. */
  deleteAssignmentsOfGroup(tenantId: string, groupId: string): Promise<number>;
  /** Whether a group with this id exists in the tenant. */
  groupExists(tenantId: string, groupId: string): Promise<boolean>;

  /** Every assignment of the tenant with its profile's created time. */
  assignmentsForResolution(tenantId: string): Promise<AssignmentForResolution[]>;
  /** Ids of the Autopilot devices behind these Entra object ids. */
  autopilotDevicesBehind(tenantId: string, entraObjectIds: string[]): Promise<string[]>;
  /** These Autopilot devices with what resolution needs. */
  resolutionDevices(tenantId: string, autopilotDeviceIds: string[]): Promise<ResolutionDevice[]>;
  /** At most `limit` Autopilot devices of the tenant with id > afterId (null: from the start), in id order. */
  resolutionDevicePage(tenantId: string, afterId: string | null, limit: number): Promise<ResolutionDevice[]>;
  /** For each of these Entra objects, the ids among `groupIds` of the groups it is a member of. */
  memberships(tenantId: string, entraObjectIds: string[], groupIds: string[]): Promise<Map<string, string[]>>;
  /** Writes the resolved profile and status of these devices. */
  writeResolutions(tenantId: string, resolutions: ResolvedProfile[], now: string): Promise<void>;
  /** The Autopilot devices whose deploymentProfile is this profile, in id order, paged. */
  assignedDevices(tenantId: string, profileId: string, top: number, skip: number): Promise<{ items: AutopilotDevice[]; more: boolean }>;
}
