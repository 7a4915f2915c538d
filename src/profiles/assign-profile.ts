// Assigning a deployment profile to a group, to all devices, or excluding a group. Every change to assignments
// re-resolves the tenant's devices in the same transaction (src/lifecycle).
import { afterAssignmentsChanged } from '../lifecycle/index.js';
import type { Store } from '../ports.js';
import { ProfileError } from './errors.js';
import { findProfile } from './find-profile.js';
import type { AssignmentTarget, ProfileAssignment } from './ports.js';

/** The group id Intune uses for the "All devices" target. */
export const ALL_DEVICES_GROUP_ID = 'adadadad-808e-44e2-905a-0b7873a8a531';

/** Intune's assignment id: `<profileId>_<groupId>`. */
export function assignmentId(profileId: string, target: AssignmentTarget): string {
  return `${profileId}_${target.kind === 'allDevices' ? ALL_DEVICES_GROUP_ID : target.groupId}`;
}

/** Assigns the profile to a group, to all devices, or excludes a group; then re-resolves the tenant's devices. */
export async function assignProfile(store: Store, tenantId: string, profileId: string, target: AssignmentTarget, now: string): Promise<ProfileAssignment> {
  return store.transaction(async (tx) => {
    const profile = await findProfile(tx, tenantId, profileId);
    const normalised: AssignmentTarget = target.kind === 'allDevices' ? target : { ...target, groupId: target.groupId.toLowerCase() };
    if (normalised.kind !== 'allDevices' && !(await tx.profiles.groupExists(tenantId, normalised.groupId))) {
      throw new ProfileError('InvalidInput', `target.groupId: no group with id '${normalised.groupId}' in this tenant.`);
    }
    const id = assignmentId(profile.id, normalised);
    const existing = await tx.profiles.findAssignment(tenantId, profile.id, id);
    if (existing) {
      const what = existing.target.kind === 'allDevices' ? 'all devices' : `group '${normalised.kind === 'allDevices' ? '' : normalised.groupId}'`;
      throw new ProfileError('Conflict', `Profile '${profile.displayName}' already has an assignment for ${what} (id '${id}').`);
    }
    const assignment: ProfileAssignment = { id, tenantId, profileId: profile.id, target: normalised, source: 'direct', sourceId: '', createdAt: now };
    await tx.profiles.insertAssignment(assignment);
    await afterAssignmentsChanged(tx, tenantId, now);
    return assignment;
  });
}
