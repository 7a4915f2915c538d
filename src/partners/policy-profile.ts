// What a device whose only profile is a Partner Center configuration policy gets at OOBE: an Autopilot profile built
// from the policy (partner-center-reference §4.1, §6; autopilot-reference §6.3). PolicySettingsType's flags 2, 4, 8
// and 16 are CloudAssignedOobeConfig's bits of the same names and values; remove_oem_preinstalls (1) is an
// instruction to the OEM's factory image with no OOBE bit (bit 1 is SkipCortanaOptIn), so it is not in the document.
// The rest is Partner Center's one kind of profile: user-driven, Entra joined, into the customer's tenant, the escape
// link hidden (forced enrollment) as in Tarmac's default document.
import {
  ALWAYS_SET,
  CONFIGURATION_FILE_VERSION,
  OOBE_USER_NOT_LOCAL_ADMIN,
  SKIP_EULA,
  SKIP_EXPRESS_SETTINGS,
  SKIP_OEM_REGISTRATION,
  type AutopilotConfigurationFile,
} from '../profiles/configuration-file.js';
import type { PartnerPolicy, PolicySetting } from './ports.js';

/** The CloudAssignedOobeConfig bit of each setting (none for remove_oem_preinstalls). */
const OOBE_BITS: Readonly<Record<PolicySetting, number>> = {
  remove_oem_preinstalls: 0,
  oobe_user_not_local_admin: OOBE_USER_NOT_LOCAL_ADMIN,
  skip_express_settings: SKIP_EXPRESS_SETTINGS,
  skip_oem_registration: SKIP_OEM_REGISTRATION,
  skip_eula: SKIP_EULA,
};

/** The OOBE bitmap of a policy's settings. */
export function policyOobeConfig(settings: readonly PolicySetting[]): number {
  return settings.reduce((bitmap, s) => bitmap | OOBE_BITS[s], ALWAYS_SET);
}

/** The AutopilotConfigurationFile document of a Partner Center policy, for a device of `tenant`. */
export function policyConfigurationFile(policy: PartnerPolicy, tenant: { id: string; domain: string }): AutopilotConfigurationFile {
  const forcedEnrollment = 1;
  return {
    Version: CONFIGURATION_FILE_VERSION,
    CloudAssignedTenantId: tenant.id,
    CloudAssignedTenantDomain: tenant.domain,
    CloudAssignedOobeConfig: policyOobeConfig(policy.settings),
    CloudAssignedDomainJoinMethod: 0,
    CloudAssignedForcedEnrollment: forcedEnrollment,
    ZtdCorrelationId: policy.id,
    CloudAssignedAadServerData: JSON.stringify({
      ZeroTouchConfig: { CloudAssignedTenantUpn: '', ForcedEnrollment: forcedEnrollment, CloudAssignedTenantDomain: tenant.domain },
    }),
    Comment_File: `Partner Center profile ${policy.name}`,
  };
}
