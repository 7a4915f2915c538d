// Response schemas of the device-side API (/oobe/v1): the profile document, enrollment, workplace join, check-in,
// Tarmac's hardware-change report and the device-side error envelope. They document what oobe.ts sends; like the
// Graph schemas (graph/schemas/common.ts) they are loose and serialized with JSON.stringify.
import { Type } from '@sinclair/typebox';
import { DEVICE_ENROLLMENT_TYPES, JOIN_TYPES, MANAGED_DEVICE_OWNER_TYPES, REMEDIATION_STATES } from '../../model/index.js';
import { Loose, Nullable, Shared, StringEnum } from './graph/schemas/common.js';
import { ConfigurationFileSchema } from './graph/schemas/profiles.js';


export const OobeErrorSchema = Loose(
  {
    error: Loose({
      code: Type.String({ description: 'InvalidZtdHardwareHash, InvalidInput, ZtdDeviceIsNotRegistered, UnknownTenantDomain, EnrollmentBlocked, TooManyRequests' }),
      errorCode: Type.Optional(Type.Union([Type.Integer(), Type.String()], { description: 'DDS number (802, 807) or Windows HRESULT (0x80180014), when there is one' })),
      message: Type.String(),
      innerError: Loose({ 'request-id': Type.String(), date: Type.String({ description: 'UTC, seconds precision, no zone suffix' }) }),
    }),
  },
  { $id: 'tarmac.oobeError', title: 'Device-side error' },
);

const ERRORS = {
  400: 'InvalidZtdHardwareHash (802) for a hash that does not decode, InvalidInput for another bad field',
  404: 'ZtdDeviceIsNotRegistered (807): no tenant registered this hardware (UnknownTenantDomain for workplace join)',
  409: 'EnrollmentBlocked (HRESULT 0x80180014)',
  429: 'TooManyRequests: the per-address limit (TARMAC_OOBE_RATE_LIMIT a minute)',
} as const;

/** Device-side error responses for these statuses (429 is always added). */
export function oobeErrors<S extends 400 | 404 | 409>(...statuses: S[]) {
  const error = (status: keyof typeof ERRORS) => Shared(OobeErrorSchema, { description: ERRORS[status] });
  return Object.fromEntries([...statuses, 429 as const].map((status) => [status, error(status)])) as Record<S | 429, ReturnType<typeof error>>;
}

export const HardwareChangeSchema = Loose(
  {
    remediationState: StringEnum(REMEDIATION_STATES, {
      description: 'manualRemediationRequired (re-import the new hash), automaticRemediationRequired (captured at the next check-in), noRemediationRequired once captured',
    }),
    changed: Type.Array(StringEnum(['smbiosUuid', 'tpmEkHash']), { description: 'Board-level identity that changed' }),
    description: Type.Optional(Type.String()),
    tolerated: Type.Array(StringEnum(['disks', 'networkAdapters', 'memory', 'displays', 'gpus']), { description: 'Components that changed without consequence' }),
    captured: Type.Boolean({ description: 'The presented hash replaced the registered one' }),
  },
  { $id: 'tarmac.hardwareChange', description: 'Tarmac’s report of a replaced motherboard (also in the X-Tarmac-Hardware-Change header); absent when the board did not change' },
);

const HardwareChange = Type.Optional(Shared(HardwareChangeSchema));

/** The profile document: AutopilotConfigurationFile.json, sent as pure-ASCII JSON text, and Tarmac's hardware change. */
export const OobeProfileResponse = Type.Unsafe<string>(
  Type.Intersect([Shared(ConfigurationFileSchema), Loose({ TarmacHardwareChange: HardwareChange })], {
    description: 'AutopilotConfigurationFile.json for this device (its name template expanded), pure ASCII; TarmacHardwareChange when its motherboard changed',
  }),
);

const ManagedDeviceSummary = {
  id: Type.String(),
  deviceName: Type.String(),
  managedDeviceOwnerType: StringEnum(MANAGED_DEVICE_OWNER_TYPES),
  deviceEnrollmentType: Type.String({ description: `e.g. ${DEVICE_ENROLLMENT_TYPES.filter((t) => t.startsWith('windows')).join(', ')}` }),
  joinType: StringEnum(JOIN_TYPES),
};

export const EnrollResponse = Loose(
  {
    autopilotDeviceId: Nullable(Type.String({ description: 'null: an offline (configurationFile) enrollment of a PC not converted to Autopilot' })),
    tenantId: Type.String(),
    serialNumber: Type.String(),
    enrollmentState: Type.String({
      description:
        'The Autopilot device’s enrollmentState: enrolled, or pendingReset when enrolled under another profile than the assigned one; notRegistered for an offline enrollment not converted',
    }),
    enrollmentProfileName: Type.String({ description: 'The profile it enrolled under; empty when none' }),
    deviceName: Type.String(),
    entraDevice: Loose({ id: Type.String(), deviceId: Type.String(), displayName: Type.String(), trustType: Nullable(Type.String({ description: 'AzureAd' })) }),
    managedDevice: Loose({ ...ManagedDeviceSummary, userPrincipalName: Type.String() }),
    replacedManagedDeviceId: Type.Optional(Nullable(Type.String({ description: 'The managed device this re-enrollment replaced (registered devices)' }))),
    convertedToAutopilot: Type.Optional(Type.Boolean({ description: 'Offline (configurationFile) enrollments: a profile converted the PC to Autopilot' })),
    TarmacHardwareChange: HardwareChange,
  },
  { description: 'The device is Entra joined and enrolled in Intune (company-owned)' },
);

export const WorkplaceJoinResponse = Loose(
  {
    tenantId: Type.String(),
    entraDevice: Loose({
      id: Type.String(),
      deviceId: Type.String(),
      displayName: Type.String(),
      trustType: Nullable(Type.String({ description: 'Workplace' })),
      deviceOwnership: Type.String({ description: 'Personal' }),
      isManaged: Type.Boolean(),
    }),
    managedDevice: Nullable(Loose(ManagedDeviceSummary, { description: 'The personal MDM-only device, with mdm: true' })),
  },
  { description: 'The PC is Entra registered (and, with mdm: true, enrolled in Intune as a personal device)' },
);

export const CheckInResponse = Loose(
  {
    autopilotDeviceId: Type.String(),
    remediationState: StringEnum(REMEDIATION_STATES),
    TarmacHardwareChange: HardwareChange,
  },
  { description: 'The check-in was recorded (lastSyncDateTime)' },
);
