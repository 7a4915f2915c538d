// Response schemas of the Autopilot resources: windowsAutopilotDeviceIdentity (v1.0 and beta in one schema),
// importedWindowsAutopilotDeviceIdentity, deletedWindowsAutopilotDeviceState, windowsAutopilotSettings and Tarmac's
// offboard report. They document what autopilot-shapes.ts builds; see common.ts for why they are loose.
import { Type } from '@sinclair/typebox';
import { DateTime, Loose, Nullable, ODataType, Shared, StringEnum } from './common.js';
import { DeploymentProfileSchema } from './profiles.js';

const NEVER = 'Intune’s 0001-01-01T00:00:00Z when it never happened';
const EMPTY_GUID = '00000000-0000-0000-0000-000000000000 when there is none';

/** windowsAutopilotDeviceIdentity: v1.0's properties, then what beta adds (absent in v1.0 answers). */
export const AutopilotDeviceSchema = Loose(
  {
    '@odata.type': ODataType('windowsAutopilotDeviceIdentity'),
    id: Type.String({ description: 'The ZTDID' }),
    groupTag: Type.Optional(Type.String({ description: 'The group tag ([OrderID] on the Entra device); empty when none' })),
    purchaseOrderIdentifier: Type.Optional(Type.String()),
    serialNumber: Type.Optional(Type.String()),
    productKey: Type.Optional(Type.String()),
    manufacturer: Type.Optional(Type.String()),
    model: Type.Optional(Type.String()),
    enrollmentState: Type.Optional(
      StringEnum(['unknown', 'enrolled', 'pendingReset', 'failed', 'notContacted', 'blocked'], { description: 'v1.0 has no blocked: it answers unknown instead' }),
    ),
    lastContactedDateTime: Type.Optional(DateTime(NEVER)),
    addressableUserName: Type.Optional(Type.String()),
    userPrincipalName: Type.Optional(Type.String({ description: 'The assigned user; empty when none' })),
    resourceName: Type.Optional(Type.String()),
    skuNumber: Type.Optional(Type.String()),
    systemFamily: Type.Optional(Type.String()),
    azureActiveDirectoryDeviceId: Type.Optional(Type.String({ description: `deviceId of the Entra device; ${EMPTY_GUID}` })),
    managedDeviceId: Type.Optional(Type.String({ description: `The Intune managed device; ${EMPTY_GUID}` })),
    displayName: Type.Optional(Type.String()),
    // beta
    deploymentProfileAssignmentStatus: Type.Optional(
      StringEnum(['unknown', 'assignedInSync', 'assignedOutOfSync', 'assignedUnkownSyncState', 'notAssigned', 'pending', 'failed'], {
        description: 'beta only (assignedUnkownSyncState is Graph’s spelling)',
      }),
    ),
    deploymentProfileAssignmentDetailedStatus: Type.Optional(
      StringEnum(
        [
          'none',
          'hardwareRequirementsNotMet',
          'surfaceHubProfileNotSupported',
          'holoLensProfileNotSupported',
          'windowsPcProfileNotSupported',
          'surfaceHub2SProfileNotSupported',
          'unknownFutureValue',
        ],
        { description: 'beta only' },
      ),
    ),
    deploymentProfileAssignedDateTime: Type.Optional(DateTime(`beta only; ${NEVER}`)),
    azureAdDeviceId: Type.Optional(Type.String({ description: `beta only: deviceId of the Entra device; ${EMPTY_GUID}` })),
    deviceAccountUpn: Type.Optional(Type.String({ description: 'beta only' })),
    deviceAccountPassword: Type.Optional(Nullable(Type.String({ description: 'beta only; always null' }))),
    deviceFriendlyName: Type.Optional(Type.String({ description: 'beta only' })),
    remediationState: Type.Optional(
      StringEnum(['unknown', 'noRemediationRequired', 'automaticRemediationRequired', 'manualRemediationRequired', 'unknownFutureValue'], {
        description: 'beta only: a replaced motherboard asks for remediation',
      }),
    ),
    remediationStateLastModifiedDateTime: Type.Optional(DateTime(`beta only; ${NEVER}`)),
    userlessEnrollmentStatus: Type.Optional(StringEnum(['unknown', 'allowed', 'blocked', 'unknownFutureValue'], { description: 'beta only' })),
    deploymentProfile: Type.Optional(
      Nullable(Shared(DeploymentProfileSchema, { description: 'beta, with $expand=deploymentProfile: the profile in effect (null: none)' })),
    ),
    intendedDeploymentProfile: Type.Optional(
      Nullable(Shared(DeploymentProfileSchema, { description: 'beta, with $expand=intendedDeploymentProfile: the profile resolution assigns (null: none)' })),
    ),
  },
  {
    $id: 'microsoft.graph.windowsAutopilotDeviceIdentity',
    description: 'An Autopilot device. Lists with $select return the selected properties, @odata.type and id only.',
  },
);

export const ImportedDeviceSchema = Loose(
  {
    '@odata.type': ODataType('importedWindowsAutopilotDeviceIdentity'),
    id: Type.String(),
    groupTag: Type.Optional(Type.String()),
    serialNumber: Type.Optional(Type.String()),
    productKey: Type.Optional(Type.String()),
    importId: Type.Optional(Type.String()),
    hardwareIdentifier: Type.Optional(Nullable(Type.String({ description: 'The hardware hash, base64' }))),
    assignedUserPrincipalName: Type.Optional(Type.String()),
    state: Type.Optional(
      Loose({
        deviceImportStatus: StringEnum(['unknown', 'pending', 'partial', 'complete', 'error'], {
          description: 'unknown until the import worker processed the row, then complete or error',
        }),
        deviceRegistrationId: Type.String({ description: 'The windowsAutopilotDeviceIdentity id once complete; empty before' }),
        deviceErrorCode: Type.Integer({ description: '0, or 802, 803, 806, 808, 814, 897, 899, …' }),
        deviceErrorName: Type.String({ description: 'e.g. ZtdDeviceAlreadyAssigned; empty without an error' }),
      }),
    ),
  },
  { $id: 'microsoft.graph.importedWindowsAutopilotDeviceIdentity', description: 'An imported device and the state of its registration' },
);

export const DeletedDeviceStateSchema = Loose(
  {
    '@odata.type': ODataType('deletedWindowsAutopilotDeviceState'),
    serialNumber: Type.String(),
    deviceRegistrationId: Type.String({ description: 'The deleted device’s id; empty when none was found' }),
    deletionState: StringEnum(['unknown', 'failed', 'accepted', 'error']),
    errorMessage: Type.String(),
  },
  { description: 'beta deleteDevices: one state per serial number (per device when several share one)' },
);

export const AutopilotSettingsSchema = Loose(
  {
    '@odata.type': ODataType('windowsAutopilotSettings'),
    id: Type.String({ description: 'The tenant id' }),
    lastSyncDateTime: DateTime(NEVER),
    lastManualSyncTriggerDateTime: DateTime(NEVER),
    syncStatus: StringEnum(['unknown', 'inProgress', 'completed', 'failed']),
  },
  { $id: 'microsoft.graph.windowsAutopilotSettings' },
);

export const OffboardReportSchema = Loose(
  {
    '@odata.context': Type.String(),
    id: Type.String({ description: 'The Autopilot device id (ZTDID)' }),
    serialNumber: Type.String(),
    completed: Type.Boolean({ description: 'Every step succeeded or had nothing to do' }),
    steps: Type.Array(
      Loose({
        system: StringEnum(['intune', 'user', 'autopilot', 'entra']),
        action: StringEnum(['deleted', 'unassigned', 'deregistered', 'kept', 'none', 'failed', 'skipped']),
        detail: Type.String(),
      }),
      { description: 'In order: intune, user, autopilot, entra; after a failed step the rest are skipped' },
    ),
  },
  { $id: 'tarmac.offboardReport', description: 'Tarmac’s offboard report (200 even when a step failed)' },
);
