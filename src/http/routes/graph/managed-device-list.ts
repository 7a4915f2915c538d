// The OData model and list seam of Intune managedDevice over the managed_devices table (see store/schema.ts), and
// the managedDevice Graph shape (v1.0 type-checked against @microsoft/microsoft-graph-types; beta extras typed here).
import type { FastifyRequest } from 'fastify';
import type { ManagedDevice as GraphManagedDevice } from '@microsoft/microsoft-graph-types';
import type { ManagedDevice } from '../../../intune/index.js';
import { toManagedDevice } from '../../../store/intune-store.js';
import type { EntityModel } from '../../odata/index.js';
import type { TarmacApp } from '../../types.js';
import type { GraphVersion } from './graph-support.js';
import { listPage, type ListResult } from './list-queries.js';

/** Intune string properties: NOT NULL, "" when unset (`eq null` matches ""). */
const text = { type: 'string', sortable: true, emptyIsNull: true } as const;

export const MANAGED_DEVICE_OWNER_TYPES = ['unknown', 'company', 'personal'] as const;
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
export const JOIN_TYPES = ['unknown', 'azureADJoined', 'azureADRegistered', 'hybridAzureADJoined'] as const;

export const managedDeviceModel: EntityModel = {
  name: 'managedDevice',
  table: 'managed_devices',
  key: { property: 'id', column: 'id' },
  properties: {
    id: { column: 'id', type: 'string', storedLowercase: true, sortable: true, indexed: true },
    deviceName: { ...text, column: 'device_name' },
    serialNumber: { ...text, column: 'serial_number' },
    managedDeviceOwnerType: { column: 'managed_device_owner_type', type: 'enum', enumValues: MANAGED_DEVICE_OWNER_TYPES, sortable: true },
    deviceEnrollmentType: { column: 'device_enrollment_type', type: 'enum', enumValues: DEVICE_ENROLLMENT_TYPES, sortable: true },
    joinType: { column: 'join_type', type: 'enum', enumValues: JOIN_TYPES, sortable: true },
    azureADDeviceId: { column: 'azure_ad_device_id', type: 'string', nullable: true, storedLowercase: true },
    operatingSystem: { ...text, column: 'operating_system' },
    osVersion: { ...text, column: 'os_version' },
    manufacturer: { ...text, column: 'manufacturer' },
    model: { ...text, column: 'model' },
    userPrincipalName: { ...text, column: 'user_principal_name' },
    enrollmentProfileName: { ...text, column: 'enrollment_profile_name' },
    complianceState: { ...text, column: 'compliance_state' },
    managementAgent: { ...text, column: 'management_agent' },
    autopilotEnrolled: { column: 'autopilot_enrolled', type: 'boolean' },
    enrolledDateTime: { column: 'enrolled_at', type: 'dateTime', sortable: true },
    lastSyncDateTime: { column: 'last_sync_at', type: 'dateTime', sortable: true },
  },
};

export async function listManagedDevices(app: TarmacApp, request: FastifyRequest, tenantId: string): Promise<ListResult<ManagedDevice>> {
  const base = app.db.selectFrom('managed_devices').selectAll('managed_devices').where('managed_devices.tenant_id', '=', tenantId);
  return listPage(app, request, managedDeviceModel, base, (rows) => rows.map(toManagedDevice));
}

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
