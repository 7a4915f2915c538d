// Response schemas of the deployment profiles (beta): windowsAutopilotDeploymentProfile (both subtypes),
// windowsAutopilotDeploymentProfileAssignment, and the AutopilotConfigurationFile.json document (also what the PC
// downloads at /oobe/v1/profile). They document what autopilot-shapes.ts and profiles/configuration-file.ts build.
import { Type } from '@sinclair/typebox';
import { DEVICE_TYPES } from '../../../../profiles/index.js';
import { DateTime, Loose, Nullable, ODataType, StringEnum } from './common.js';

const UserType = StringEnum(['administrator', 'standard']);
const DeviceUsageType = StringEnum(['singleUser', 'shared'], { description: 'shared: self-deploying' });

export const DeploymentProfileSchema = Loose(
  {
    '@odata.type': ODataType('azureADWindowsAutopilotDeploymentProfile', 'activeDirectoryWindowsAutopilotDeploymentProfile'),
    id: Type.String(),
    displayName: Type.Optional(Type.String()),
    description: Type.Optional(Type.String()),
    language: Type.Optional(Type.String({ description: 'Deprecated name of locale, returned next to it' })),
    locale: Type.Optional(Type.String({ description: 'e.g. en-US; os-default lets the user choose' })),
    createdDateTime: Type.Optional(DateTime()),
    lastModifiedDateTime: Type.Optional(DateTime()),
    outOfBoxExperienceSettings: Type.Optional(
      Loose(
        {
          hidePrivacySettings: Type.Boolean(),
          hideEULA: Type.Boolean(),
          userType: UserType,
          deviceUsageType: DeviceUsageType,
          skipKeyboardSelectionPage: Type.Boolean(),
          hideEscapeLink: Type.Boolean(),
        },
        { description: 'Deprecated names of outOfBoxExperienceSetting, returned next to it' },
      ),
    ),
    outOfBoxExperienceSetting: Type.Optional(
      Loose({
        privacySettingsHidden: Type.Boolean(),
        eulaHidden: Type.Boolean(),
        userType: UserType,
        deviceUsageType: DeviceUsageType,
        keyboardSelectionPageSkipped: Type.Boolean(),
        escapeLinkHidden: Type.Boolean(),
      }),
    ),
    enrollmentStatusScreenSettings: Type.Optional(
      Nullable(Loose({}, { description: 'windowsEnrollmentStatusScreenSettings as given on create or update (hideInstallationProgress, …)' })),
    ),
    extractHardwareHash: Type.Optional(Type.Boolean({ description: 'Deprecated name of hardwareHashExtractionEnabled' })),
    hardwareHashExtractionEnabled: Type.Optional(Type.Boolean()),
    deviceNameTemplate: Type.Optional(Type.String({ description: 'e.g. SALES-%SERIAL%; empty: the OEM name stays' })),
    deviceType: Type.Optional(StringEnum(DEVICE_TYPES)),
    enableWhiteGlove: Type.Optional(Type.Boolean({ description: 'Deprecated name of preprovisioningAllowed' })),
    preprovisioningAllowed: Type.Optional(Type.Boolean()),
    roleScopeTagIds: Type.Optional(Type.Array(Type.String())),
    managementServiceAppId: Type.Optional(Nullable(Type.String())),
    hybridAzureADJoinSkipConnectivityCheck: Type.Optional(Type.Boolean({ description: 'activeDirectoryWindowsAutopilotDeploymentProfile only' })),
  },
  {
    $id: 'microsoft.graph.windowsAutopilotDeploymentProfile',
    description: 'A deployment profile (beta). Lists with $select return the selected properties, @odata.type and id only.',
  },
);

export const ProfileAssignmentSchema = Loose(
  {
    '@odata.type': ODataType('windowsAutopilotDeploymentProfileAssignment'),
    id: Type.String({ description: '<profileId>_<groupId> (all devices: <profileId>_adadadad-808e-44e2-905a-0b7873a8a531)' }),
    target: Loose({
      '@odata.type': ODataType('groupAssignmentTarget', 'allDevicesAssignmentTarget', 'exclusionGroupAssignmentTarget'),
      deviceAndAppManagementAssignmentFilterId: Nullable(Type.String({ description: 'Always null: Tarmac has no assignment filters' })),
      deviceAndAppManagementAssignmentFilterType: StringEnum(['none', 'include', 'exclude'], { description: 'Always none' }),
      groupId: Type.Optional(Type.String({ description: 'Group and exclusion-group targets' })),
    }),
    source: Type.String({ description: 'direct' }),
    sourceId: Type.String(),
  },
  { $id: 'microsoft.graph.windowsAutopilotDeploymentProfileAssignment' },
);

/** AutopilotConfigurationFile.json, in its field order; the body is pure ASCII (non-ASCII escaped as \uXXXX). */
export const ConfigurationFileSchema = Loose(
  {
    Version: Type.Integer({ description: '2049' }),
    CloudAssignedTenantId: Type.String(),
    CloudAssignedTenantDomain: Type.String(),
    CloudAssignedOobeConfig: Type.Integer({ description: 'The OOBE bitmap' }),
    CloudAssignedDomainJoinMethod: Type.Integer({ description: '0 Entra joined, 1 hybrid (Active Directory) joined' }),
    CloudAssignedForcedEnrollment: Type.Integer({ description: '0 or 1' }),
    ZtdCorrelationId: Type.String({ description: 'The profile id (all zeros for the default document)' }),
    CloudAssignedAadServerData: Type.String({ description: 'JSON text: {"ZeroTouchConfig":{…}}' }),
    CloudAssignedDeviceName: Type.Optional(Type.String({ description: 'The name template (expanded for a device at /oobe/v1/profile)' })),
    CloudAssignedLanguage: Type.Optional(Type.String()),
    Comment_File: Type.String(),
  },
  { $id: 'tarmac.autopilotConfigurationFile', title: 'AutopilotConfigurationFile.json' },
);
