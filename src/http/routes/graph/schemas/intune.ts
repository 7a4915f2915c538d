// Response schema of Intune's managedDevice (v1.0 and beta in one schema). It documents what managed-device-shapes.ts
// builds; see common.ts for why it is loose.
import { Type } from '@sinclair/typebox';
import { JOIN_TYPES, MANAGED_DEVICE_OWNER_TYPES } from '../../../../model/index.js';
import { DateTime, Loose, Nullable, ODataType, StringEnum } from './common.js';

export const ManagedDeviceSchema = Loose(
  {
    '@odata.type': ODataType('managedDevice'),
    id: Type.String(),
    deviceName: Type.Optional(Type.String()),
    managedDeviceName: Type.Optional(Type.String()),
    userPrincipalName: Type.Optional(Type.String({ description: 'Empty for a userless enrollment' })),
    managedDeviceOwnerType: Type.Optional(StringEnum(MANAGED_DEVICE_OWNER_TYPES, { description: 'company (Autopilot enrollment) or personal (workplace join with MDM)' })),
    enrolledDateTime: Type.Optional(DateTime()),
    lastSyncDateTime: Type.Optional(DateTime()),
    operatingSystem: Type.Optional(Type.String()),
    osVersion: Type.Optional(Type.String()),
    complianceState: Type.Optional(Type.String({ description: 'Graph’s complianceState, e.g. unknown, compliant' })),
    managementAgent: Type.Optional(Type.String({ description: 'Graph’s managementAgentType, e.g. mdm' })),
    deviceEnrollmentType: Type.Optional(
      Type.String({ description: 'Graph’s deviceEnrollmentType, e.g. windowsAzureADJoin, windowsAzureADJoinUsingDeviceAuth (self-deploying), windowsAutoEnrollment (personal)' }),
    ),
    azureADDeviceId: Type.Optional(Type.String({ description: 'deviceId of the Entra device; empty when none' })),
    azureADRegistered: Type.Optional(Type.Boolean()),
    deviceRegistrationState: Type.Optional(Type.String({ description: 'registered' })),
    serialNumber: Type.Optional(Type.String()),
    manufacturer: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    enrollmentProfileName: Type.Optional(Nullable(Type.String({ description: 'The Autopilot profile it enrolled under; null when none' }))),
    // beta
    autopilotEnrolled: Type.Optional(Type.Boolean({ description: 'beta only' })),
    joinType: Type.Optional(StringEnum(JOIN_TYPES, { description: 'beta only' })),
  },
  { $id: 'microsoft.graph.managedDevice', description: 'An Intune managed device. Lists with $select return the selected properties, @odata.type and id only.' },
);
