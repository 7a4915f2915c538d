// Removing one assignment of a deployment profile; the tenant's devices are re-resolved in the same transaction.
import { afterAssignmentsChanged } from '../lifecycle/index.js';
import type { Store } from '../ports.js';
import { ProfileError } from './errors.js';
import { findProfile } from './find-profile.js';

/** Removes the profile's assignment `assignmentId`; then re-resolves the tenant's devices. */
export async function unassignProfile(store: Store, tenantId: string, profileId: string, assignmentId: string, now: string): Promise<void> {
  await store.transaction(async (tx) => {
    const profile = await findProfile(tx, tenantId, profileId);
    const deleted = await tx.profiles.deleteAssignment(tenantId, profile.id, assignmentId.toLowerCase());
    if (!deleted) throw new ProfileError('NotFound', `Profile '${profile.displayName}' has no assignment with id '${assignmentId}'.`);
    await afterAssignmentsChanged(tx, tenantId, now);
  });
}
