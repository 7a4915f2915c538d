// A new deployment profile: what its creator says (tenant, kind, and any field), every other property at the portal's
// default for a new user-driven profile. No assignments come with it.
import { randomUUID } from 'node:crypto';
import type { DeploymentProfile, OutOfBoxExperienceSetting } from './ports.js';

/** The portal's OOBE defaults for a new user-driven profile. */
export const PORTAL_DEFAULT_OOBE: Readonly<OutOfBoxExperienceSetting> = {
  privacySettingsHidden: true,
  eulaHidden: true,
  userType: 'standard',
  deviceUsageType: 'singleUser',
  keyboardSelectionPageSkipped: false,
  escapeLinkHidden: true,
};

/** The tenant and kind are required; the id is a new GUID unless given. */
export type NewProfileFields = Pick<DeploymentProfile, 'tenantId' | 'kind'> & Partial<Omit<DeploymentProfile, 'createdAt' | 'lastModifiedAt'>>;

export function newProfile(fields: NewProfileFields, now: string): DeploymentProfile {
  const { id = randomUUID(), tenantId, kind, ...given } = fields;
  return {
    id,
    tenantId,
    kind,
    displayName: '',
    description: '',
    locale: 'os-default',
    deviceNameTemplate: '',
    deviceType: 'windowsPc',
    outOfBoxExperienceSetting: { ...PORTAL_DEFAULT_OOBE },
    hardwareHashExtractionEnabled: false,
    preprovisioningAllowed: false,
    hybridAzureADJoinSkipConnectivityCheck: false,
    roleScopeTagIds: ['0'],
    managementServiceAppId: null,
    ...given,
    createdAt: now,
    lastModifiedAt: now,
  };
}
