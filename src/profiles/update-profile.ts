// PATCH of a deployment profile: only the given fields change, and never the profile's kind.
import type { Store } from '../ports.js';
import { findProfile } from './find-profile.js';
import { applyFields, checkFields, type ProfileFields } from './profile-fields.js';
import type { DeploymentProfile } from './ports.js';

/** PATCH: changes the given fields. The profile's kind (its @odata.type) cannot change. */
export async function updateProfile(store: Store, tenantId: string, id: string, fields: ProfileFields, now: string): Promise<DeploymentProfile> {
  return store.transaction(async (tx) => {
    const current = await findProfile(tx, tenantId, id);
    checkFields(fields, current.kind);
    const profile = { ...applyFields(current, fields), lastModifiedAt: now };
    await tx.profiles.replace(profile);
    // Resolution depends only on assignments and creation times, which a PATCH does not change.
    return profile;
  });
}
