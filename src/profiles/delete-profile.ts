// Deleting a deployment profile, which Intune refuses while the profile is assigned.
import type { Store } from '../ports.js';
import { ProfileError } from './errors.js';
import { findProfile } from './find-profile.js';

/** Deletes a profile; refused while it is assigned (Intune's message). */
export async function deleteProfile(store: Store, tenantId: string, id: string): Promise<void> {
  await store.transaction(async (tx) => {
    const profile = await findProfile(tx, tenantId, id);
    const assignments = await tx.profiles.assignments(tenantId, profile.id);
    if (assignments.length > 0) {
      throw new ProfileError(
        'Conflict',
        `Cannot delete ${profile.displayName}. The profile is assigned to groups. You must unassign all groups from this profile before you can delete it.`,
      );
    }
    await tx.profiles.delete(tenantId, profile.id);
  });
}
