// A windowsAutopilotDeviceIdentity as every domain sees it: the registry writes it, directory, profiles, intune and
// oobe read it. Strings Intune returns as "" when unset are "".

/** windowsAutopilotEnrollmentState (beta adds blocked). */
export const ENROLLMENT_STATES = ['unknown', 'enrolled', 'pendingReset', 'failed', 'notContacted', 'blocked'] as const;
export type EnrollmentState = (typeof ENROLLMENT_STATES)[number];

export type UserlessEnrollmentStatus = 'unknown' | 'allowed' | 'blocked';

/** windowsAutopilotProfileAssignmentStatus (beta; the misspelling is Graph's). */
export const PROFILE_ASSIGNMENT_STATUSES = [
  'unknown',
  'assignedInSync',
  'assignedOutOfSync',
  'assignedUnkownSyncState',
  'notAssigned',
  'pending',
  'failed',
] as const;
export type ProfileAssignmentStatus = (typeof PROFILE_ASSIGNMENT_STATUSES)[number];

/** windowsAutopilotDeviceRemediationState (beta). */
export const REMEDIATION_STATES = ['unknown', 'noRemediationRequired', 'automaticRemediationRequired', 'manualRemediationRequired'] as const;
export type RemediationState = (typeof REMEDIATION_STATES)[number];

/**
 * Who registered a device: the customer itself (Graph import, CSV), a partner through Partner Center, or an OEM.
 * Partner Center sees and deletes only `partner` registrations.
 */
export const REGISTRATION_ORIGINS = ['customer', 'partner', 'oem'] as const;
export type RegistrationOrigin = (typeof REGISTRATION_ORIGINS)[number];

/** A windowsAutopilotDeviceIdentity. */
export interface AutopilotDevice {
  /** The ZTDID. */
  id: string;
  tenantId: string;
  serialNumber: string;
  productKey: string;
  manufacturer: string;
  model: string;
  groupTag: string;
  purchaseOrderIdentifier: string;
  enrollmentState: EnrollmentState;
  lastContactedAt: string | null;
  addressableUserName: string;
  userPrincipalName: string;
  displayName: string;
  resourceName: string;
  skuNumber: string;
  systemFamily: string;
  /** deviceId of the Entra device object. */
  azureAdDeviceId: string | null;
  managedDeviceId: string | null;
  userlessEnrollmentStatus: UserlessEnrollmentStatus;
  /** The deployment profile in effect (beta `deploymentProfile`), resolved from group assignments. */
  deploymentProfileId: string | null;
  /** The profile resolution says the device should get (beta `intendedDeploymentProfile`). */
  intendedDeploymentProfileId: string | null;
  deploymentProfileAssignmentStatus: ProfileAssignmentStatus;
  deploymentProfileAssignedAt: string | null;
  /** The profile last sent to the device at OOBE (enrolling under another one means pendingReset). */
  deliveredProfileId: string | null;
  remediationState: RemediationState;
  remediationStateModifiedAt: string | null;
  /** Who registered it (not a Graph property: Graph shows partner and OEM registrations like any other). */
  registeredBy: RegistrationOrigin;
  /** The partner or OEM tenant that registered it; null when the customer did. */
  registeredByTenantId: string | null;
  /** The Partner Center device batch it was registered through (device_batches id), or null. */
  partnerBatchId: string | null;
  /** The Partner Center configuration policy applied to it, or null. */
  partnerPolicyId: string | null;
  createdAt: string;
  updatedAt: string;
}
