// What follows a change, in order: the directory re-evaluates dynamic groups, then profiles are resolved again for
// the devices whose groups changed. Every writer of devices, groups or assignments calls one of these inside its
// transaction, so that an Autopilot device's profile is always in step with its group tag and the groups' rules.
import { addNewDeviceMemberships, refreshDeviceMemberships, refreshGroupMembership } from '../directory/membership.js';
import type { AutopilotDevice, EntraDevice } from '../model/index.js';
import type { ResolutionDevice } from '../profiles/ports.js';
import { groupIsTargeted, resolveDeploymentProfiles } from '../profiles/resolve.js';
import type { Store } from '../ports.js';

/** Entra devices were created, deleted, or changed physicalIds/properties (registration, group tag, join, enrollment). */
export async function afterDevicesChanged(tx: Store, tenantId: string, entraDeviceIds: string[], now: string): Promise<void> {
  if (entraDeviceIds.length === 0) return;
  await refreshDeviceMemberships(tx, tenantId, entraDeviceIds, now);
  await resolveDeploymentProfiles(tx, tenantId, { entraDeviceIds }, now);
}

/**
 * Autopilot devices were registered with new Entra objects, in this transaction (the import worker): the same
 * outcome as afterDevicesChanged, from the objects in hand. A new Entra object is in no group yet, and its device's
 * profile state is what it was created with, so nothing is read back (at 500 devices a batch, the reads were about a
 * tenth of a batch on PostgreSQL).
 */
export async function afterDevicesRegistered(tx: Store, tenantId: string, registered: { device: AutopilotDevice; entra: EntraDevice }[], now: string): Promise<void> {
  if (registered.length === 0) return;
  await addNewDeviceMemberships(tx, tenantId, registered.map((r) => r.entra), now);
  await resolveDeploymentProfiles(tx, tenantId, { devices: registered.map(({ device, entra }) => resolutionDeviceOf(device, entra)) }, now);
}

/** A device's profile state as resolution reads it (ProfileRepository.resolutionDevices), from the objects. */
function resolutionDeviceOf(device: AutopilotDevice, entra: EntraDevice): ResolutionDevice {
  return {
    autopilotDeviceId: device.id,
    entraObjectIds: [entra.id],
    deploymentProfileId: device.deploymentProfileId,
    intendedDeploymentProfileId: device.intendedDeploymentProfileId,
    deploymentProfileAssignmentStatus: device.deploymentProfileAssignmentStatus,
    deploymentProfileAssignedAt: device.deploymentProfileAssignedAt,
    deliveredProfileId: device.deliveredProfileId,
  };
}

/** A group was created, its rule changed, or it was deleted (pass its id; members are then gone). */
export async function afterGroupChanged(tx: Store, tenantId: string, groupId: string, now: string): Promise<void> {
  const changed = await refreshGroupMembership(tx, tenantId, groupId, now);
  // A group no profile targets cannot change what its members resolve to (often so: groups for apps, not Autopilot).
  if (changed.length > 0 && (await groupIsTargeted(tx, tenantId, groupId))) {
    await resolveDeploymentProfiles(tx, tenantId, { entraDeviceIds: changed }, now);
  }
}

/** Profiles were assigned, unassigned, created or deleted: every device of the tenant may resolve differently. */
export async function afterAssignmentsChanged(tx: Store, tenantId: string, now: string): Promise<void> {
  await resolveDeploymentProfiles(tx, tenantId, 'all', now);
}

/**
 * A group was deleted (pass the members it had): its profile assignments go with it — Intune clears assignments to a
 * deleted group within about 7 days (reference §3.4), Tarmac at once, so the profile can be deleted — and its former
 * members are resolved again.
 */
export async function afterGroupDeleted(tx: Store, tenantId: string, groupId: string, formerMemberIds: string[], now: string): Promise<void> {
  await tx.profiles.deleteAssignmentsOfGroup(tenantId, groupId);
  await afterMembershipChanged(tx, tenantId, formerMemberIds, now);
}

/** Static members were added or removed (or a group's members are otherwise gone): re-resolve those devices. */
export async function afterMembershipChanged(tx: Store, tenantId: string, formerMemberIds: string[], now: string): Promise<void> {
  if (formerMemberIds.length > 0) await resolveDeploymentProfiles(tx, tenantId, { entraDeviceIds: formerMemberIds }, now);
}
