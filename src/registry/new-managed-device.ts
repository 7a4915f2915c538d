// A new Intune managed device, enrolled now: how it enrolled (owner, enrollment type, join type) is the creator's to
// say; it is a Windows MDM device whose compliance Intune has not evaluated yet.
import { newObjectId, type ManagedDevice } from '../model/index.js';

/** How the device enrolled is required; the id is a new GUID unless given. */
export type NewManagedDeviceFields = Pick<ManagedDevice, 'tenantId' | 'deviceName' | 'managedDeviceOwnerType' | 'deviceEnrollmentType' | 'joinType'> &
  Partial<Omit<ManagedDevice, 'enrolledAt' | 'lastSyncAt' | 'createdAt' | 'updatedAt'>>;

export function newManagedDevice(fields: NewManagedDeviceFields, now: string): ManagedDevice {
  return {
    managementAgent: 'mdm',
    operatingSystem: 'Windows',
    osVersion: '',
    serialNumber: '',
    manufacturer: '',
    model: '',
    azureAdDeviceId: null,
    userPrincipalName: '',
    enrollmentProfileName: '',
    complianceState: 'unknown',
    autopilotEnrolled: false,
    autopilotDeviceId: null,
    ...fields,
    id: fields.id ?? newObjectId(),
    enrolledAt: now,
    lastSyncAt: now,
    createdAt: now,
    updatedAt: now,
  };
}
