// Creating a deployment profile: the portal's defaults for what the request leaves out, at most 350 a tenant.
// A new profile has no assignments, so no device's resolution changes.
import type { Store } from '../ports.js';
import { ProfileError } from './errors.js';
import { newProfile } from './new-profile.js';
import { applyFields, checkFields, type ProfileFields } from './profile-fields.js';
import type { DeploymentProfile, DeploymentProfileKind } from './ports.js';

/** Intune's limit per tenant. */
export const MAX_PROFILES_PER_TENANT = 350;

/** Creates a profile; displayName is required, at most 350 profiles per tenant. */
export async function createProfile(
  store: Store,
  tenantId: string,
  kind: DeploymentProfileKind,
  fields: ProfileFields,
  now: string,
): Promise<DeploymentProfile> {
  if (fields.displayName === undefined) throw new ProfileError('InvalidInput', 'displayName is required.');
  checkFields(fields, kind);
  return store.transaction(async (tx) => {
    const count = await tx.profiles.count(tenantId);
    if (count >= MAX_PROFILES_PER_TENANT) {
      throw new ProfileError(
        'LimitReached',
        `This tenant has ${count} deployment profiles, the most Intune allows (${MAX_PROFILES_PER_TENANT}); delete one before creating another.`,
      );
    }
    const profile = applyFields(newProfile({ tenantId, kind }, now), fields);
    await tx.profiles.insert(profile);
    return profile;
  });
}
