// Deployment profiles for tests and benches: a domain profile built by the production factory with test defaults,
// the Graph body of a user-driven profile, and the documented field order of AutopilotConfigurationFile.json.
import { newProfile, PORTAL_DEFAULT_OOBE } from '../../src/profiles/new-profile.js';
import type { DeploymentProfile } from '../../src/profiles/ports.js';

/** When every test profile was created: 2024-01-01T00:00:00Z. */
export const PROFILE_CREATED_AT = '2024-01-01T00:00:00.000Z';

/** An Entra-join (azureAD) profile with the portal's defaults, created and modified at PROFILE_CREATED_AT unless `overrides` say otherwise. */
export function deploymentProfile(tenantId: string, overrides: Partial<DeploymentProfile> = {}): DeploymentProfile {
  const { createdAt = PROFILE_CREATED_AT, lastModifiedAt = PROFILE_CREATED_AT, ...fields } = overrides;
  return { ...newProfile({ tenantId, kind: 'azureAD', ...fields }, createdAt), lastModifiedAt };
}

/** The beta Graph body creating a user-driven Entra-join profile with the portal's OOBE settings. */
export function userDrivenProfileBody(fields: { displayName: string; description: string; deviceNameTemplate: string }): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.azureADWindowsAutopilotDeploymentProfile',
    ...fields,
    outOfBoxExperienceSetting: { ...PORTAL_DEFAULT_OOBE },
  };
}

/**
 * The fields of AutopilotConfigurationFile.json in the order Microsoft's module writes them (reference §6.3), as the
 * tests expect them: kept here, not imported from src, so that a change of the written order fails the tests.
 */
export const CONFIGURATION_FILE_FIELDS = [
  'Version',
  'CloudAssignedTenantId',
  'CloudAssignedTenantDomain',
  'CloudAssignedOobeConfig',
  'CloudAssignedDomainJoinMethod',
  'CloudAssignedForcedEnrollment',
  'ZtdCorrelationId',
  'CloudAssignedAadServerData',
  'CloudAssignedDeviceName',
  'CloudAssignedLanguage',
  'Comment_File',
] as const;
