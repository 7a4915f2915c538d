// An Intune managed device (only what Tarmac models of it): made by enrollment, read by the registry's
// deregistration order and the guardrails.

/** managedDeviceOwnerType. */
export const MANAGED_DEVICE_OWNER_TYPES = ['unknown', 'company', 'personal'] as const;
export type ManagedDeviceOwnerType = (typeof MANAGED_DEVICE_OWNER_TYPES)[number];

/** Intune joinType (beta managedDevice). */
export const JOIN_TYPES = ['unknown', 'azureADJoined', 'azureADRegistered', 'hybridAzureADJoined'] as const;
export type ManagedDeviceJoinType = (typeof JOIN_TYPES)[number];

/** Graph's deviceEnrollmentType members. */
export const DEVICE_ENROLLMENT_TYPES = [
  'unknown',
  'userEnrollment',
  'deviceEnrollmentManager',
  'appleBulkWithUser',
  'appleBulkWithoutUser',
  'windowsAzureADJoin',
  'windowsBulkUserless',
  'windowsAutoEnrollment',
  'windowsBulkAzureDomainJoin',
  'windowsCoManagement',
  'windowsAzureADJoinUsingDeviceAuth',
  'appleUserEnrollment',
  'appleUserEnrollmentWithServiceAccount',
] as const;

export interface ManagedDevice {
  id: string;
  tenantId: string;
  deviceName: string;
  managedDeviceOwnerType: ManagedDeviceOwnerType;
  /** deviceEnrollmentType, e.g. windowsAzureADJoin, windowsAzureADJoinUsingDeviceAuth, windowsAutoEnrollment. */
  deviceEnrollmentType: string;
  joinType: ManagedDeviceJoinType;
  /** managementAgent, e.g. mdm. */
  managementAgent: string;
  operatingSystem: string;
  osVersion: string;
  serialNumber: string;
  manufacturer: string;
  model: string;
  /** deviceId of the Entra device (azureADDeviceId). */
  azureAdDeviceId: string | null;
  userPrincipalName: string;
  enrollmentProfileName: string;
  complianceState: string;
  autopilotEnrolled: boolean;
  /** The Autopilot device it enrolled as (null for a personal enrollment). */
  autopilotDeviceId: string | null;
  enrolledAt: string;
  lastSyncAt: string;
  createdAt: string;
  updatedAt: string;
}
