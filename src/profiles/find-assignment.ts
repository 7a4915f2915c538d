// Reads one assignment of a deployment profile of the tenant.
import type { Store } from '../ports.js';
import { ProfileError } from './errors.js';
import { findProfile } from './find-profile.js';
import type { ProfileAssignment } from './ports.js';

export async function findAssignment(store: Store, tenantId: string, profileId: string, id: string): Promise<ProfileAssignment> {
  const profile = await findProfile(store, tenantId, profileId);
  const assignment = await store.profiles.findAssignment(tenantId, profile.id, id.toLowerCase());
  if (!assignment) throw new ProfileError('NotFound', `Profile '${profile.displayName}' has no assignment with id '${id}'.`);
  return assignment;
}
