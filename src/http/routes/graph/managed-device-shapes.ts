// The managedDevice Graph shape (v1.0 type-checked against @microsoft/microsoft-graph-types; beta extras typed here).
import type { ManagedDevice as GraphManagedDevice } from '@microsoft/microsoft-graph-types';
import type { JOIN_TYPES, ManagedDevice } from '../../../model/index.js';
import type { GraphVersion } from './graph-support.js';

/** Properties beta adds to managedDevice. */
export interface BetaManagedDeviceExtras {
  autopilotEnrolled: boolean;
  joinType: (typeof JOIN_TYPES)[number];
}

export function toGraphManagedDevice(d: ManagedDevice, version: GraphVersion) {
  const v1 = {
    '@odata.type': '#microsoft.graph.managedDevice',
    id: d.id,
    deviceName: d.deviceName,
    managedDeviceName: d.deviceName,
    userPrincipalName: d.userPrincipalName,
    managedDeviceOwnerType: d.managedDeviceOwnerType,
    enrolledDateTime: d.enrolledAt,
    lastSyncDateTime: d.lastSyncAt,
    operatingSystem: d.operatingSystem,
    osVersion: d.osVersion,
    complianceState: d.complianceState as NonNullable<GraphManagedDevice['complianceState']>,
    managementAgent: d.managementAgent as NonNullable<GraphManagedDevice['managementAgent']>,
    deviceEnrollmentType: d.deviceEnrollmentType as NonNullable<GraphManagedDevice['deviceEnrollmentType']>,
    azureADDeviceId: d.azureAdDeviceId ?? '',
    // Entra registered (workplace joined) or joined: either way the device has an Entra object.
    azureADRegistered: d.azureAdDeviceId !== null,
    deviceRegistrationState: 'registered' as const,
    serialNumber: d.serialNumber,
    manufacturer: d.manufacturer,
    model: d.model,
    enrollmentProfileName: d.enrollmentProfileName === '' ? null : d.enrollmentProfileName,
  } satisfies GraphManagedDevice & { '@odata.type': string };
  if (version === 'v1.0') return v1;
  return { ...v1, autopilotEnrolled: d.autopilotEnrolled, joinType: d.joinType } satisfies GraphManagedDevice & BetaManagedDeviceExtras & { '@odata.type': string };
}
