// Schemas of the deployment profiles (beta). Responses: windowsAutopilotDeploymentProfile (both subtypes),
// windowsAutopilotDeploymentProfileAssignment, and the AutopilotConfigurationFile.json document (also what the PC
// downloads at /oobe/v1/profile); they document what deployment-profile-shapes.ts and profiles/configuration-file.ts
// build. Requests: the profile and assignment bodies and the route parameters of deployment-profiles.ts.
import { Type, type Static } from '@sinclair/typebox';
import { DEVICE_TYPES, MAX_DESCRIPTION_LENGTH, MAX_DISPLAY_NAME_LENGTH } from '../../../../profiles/index.js';
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

// ---- requests -------------------------------------------------------------------------------------------------------

export const AZURE_AD_PROFILE_TYPE = '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile';
export const ACTIVE_DIRECTORY_PROFILE_TYPE = '#microsoft.graph.activeDirectoryWindowsAutopilotDeploymentProfile';

export const ProfileIdParams = Type.Object({ id: Type.String({ description: 'The windowsAutopilotDeploymentProfile id' }) });
export const AssignmentParams = Type.Object({
  id: Type.String({ description: 'The windowsAutopilotDeploymentProfile id' }),
  assignmentId: Type.String({ description: 'The assignment id: <profileId>_<groupId>' }),
});

const NullableText = (maxLength?: number) => Type.Optional(Type.Union([Type.String(maxLength === undefined ? {} : { maxLength }), Type.Null()]));
const NullableBool = Type.Optional(Type.Union([Type.Boolean(), Type.Null()]));
const NullableUserType = Type.Optional(Type.Union([Type.Literal('administrator'), Type.Literal('standard'), Type.Null()]));
const NullableDeviceUsageType = Type.Optional(Type.Union([Type.Literal('singleUser'), Type.Literal('shared'), Type.Null()]));

export const ProfileBody = Type.Object(
  {
    '@odata.type': Type.Optional(Type.String({ description: `${AZURE_AD_PROFILE_TYPE} or ${ACTIVE_DIRECTORY_PROFILE_TYPE} (required on create)` })),
    displayName: Type.Optional(Type.String({ maxLength: MAX_DISPLAY_NAME_LENGTH })),
    description: NullableText(MAX_DESCRIPTION_LENGTH),
    locale: NullableText(85),
    language: NullableText(85),
    deviceNameTemplate: NullableText(256),
    deviceType: Type.Optional(Type.Union(DEVICE_TYPES.map((t) => Type.Literal(t)))),
    outOfBoxExperienceSetting: Type.Optional(
      Type.Union([
        Type.Object(
          {
            privacySettingsHidden: NullableBool,
            eulaHidden: NullableBool,
            userType: NullableUserType,
            deviceUsageType: NullableDeviceUsageType,
            keyboardSelectionPageSkipped: NullableBool,
            escapeLinkHidden: NullableBool,
          },
          { additionalProperties: true },
        ),
        Type.Null(),
      ]),
    ),
    outOfBoxExperienceSettings: Type.Optional(
      Type.Union([
        Type.Object(
          {
            hidePrivacySettings: NullableBool,
            hideEULA: NullableBool,
            userType: NullableUserType,
            deviceUsageType: NullableDeviceUsageType,
            skipKeyboardSelectionPage: NullableBool,
            hideEscapeLink: NullableBool,
          },
          { additionalProperties: true },
        ),
        Type.Null(),
      ]),
    ),
    enrollmentStatusScreenSettings: Type.Optional(Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()])),
    hardwareHashExtractionEnabled: NullableBool,
    extractHardwareHash: NullableBool,
    preprovisioningAllowed: NullableBool,
    enableWhiteGlove: NullableBool,
    hybridAzureADJoinSkipConnectivityCheck: NullableBool,
    roleScopeTagIds: Type.Optional(Type.Union([Type.Array(Type.String({ maxLength: 64 }), { maxItems: 100 }), Type.Null()])),
    managementServiceAppId: NullableText(64),
  },
  { additionalProperties: true },
);
export type ProfileBodyType = Static<typeof ProfileBody>;

export const AssignmentBody = Type.Object(
  {
    target: Type.Object(
      {
        '@odata.type': Type.String({
          description: '#microsoft.graph.groupAssignmentTarget, #microsoft.graph.allDevicesAssignmentTarget or #microsoft.graph.exclusionGroupAssignmentTarget',
        }),
        groupId: Type.Optional(Type.String({ maxLength: 64 })),
        deviceAndAppManagementAssignmentFilterId: Type.Optional(Type.Union([Type.String(), Type.Null()])),
        deviceAndAppManagementAssignmentFilterType: Type.Optional(Type.Union([Type.String(), Type.Null()])),
      },
      { additionalProperties: true },
    ),
  },
  { additionalProperties: true },
);
export type AssignmentTargetBody = Static<typeof AssignmentBody>['target'];

/** assignedDevices: $top and $skip only. */
export const AssignedDevicesQuery = Type.Object(
  { $top: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })), $skip: Type.Optional(Type.Integer({ minimum: 0 })) },
  { additionalProperties: false },
);
