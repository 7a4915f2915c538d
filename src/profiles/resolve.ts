// Profile resolution: which deployment profile each Autopilot device gets, from the assignments of the groups its
// Entra object is in (the oldest-created assigned profile wins; a profile assigned to all devices is the default).
//
// A profile is a candidate for a device when it is assigned to one of the device's groups and not excluded by one
// of them, or when it is assigned to all devices (Intune does not support exclusions on an all-devices assignment,
// so they do not remove that candidacy). Among the candidates the oldest created one wins (ties: the smaller id).
import type { ProfileAssignmentStatus } from '../model/index.js';
import type { Store } from '../ports.js';
import type { AssignmentForResolution, ResolutionDevice, ResolvedProfile } from './ports.js';

/**
 * Which devices to resolve: those behind these Entra device object ids, every Autopilot device of the tenant, or
 * these devices as given (devices created in this transaction, whose state is in hand).
 */
export type ResolutionScope = { entraDeviceIds: string[] } | { devices: ResolutionDevice[] } | 'all';

/** Devices read and written per round when the whole tenant is resolved. */
const PAGE_SIZE = 500;

/** Recomputes and stores deploymentProfile, intendedDeploymentProfile, the assignment status and date for the scope. */
export async function resolveDeploymentProfiles(store: Store, tenantId: string, scope: ResolutionScope, now: string): Promise<void> {
  const assignments = await store.profiles.assignmentsForResolution(tenantId);
  const rules = resolutionRules(assignments);
  if (scope === 'all') {
    let afterId: string | null = null;
    for (;;) {
      const devices = await store.profiles.resolutionDevicePage(tenantId, afterId, PAGE_SIZE);
      if (devices.length === 0) break;
      await resolveDevices(store, tenantId, devices, rules, now);
      if (devices.length < PAGE_SIZE) break;
      afterId = devices[devices.length - 1]?.autopilotDeviceId ?? null;
    }
    return;
  }
  if ('devices' in scope) {
    if (scope.devices.length > 0) await resolveDevices(store, tenantId, scope.devices, rules, now);
    return;
  }
  const autopilotIds = await store.profiles.autopilotDevicesBehind(tenantId, scope.entraDeviceIds);
  if (autopilotIds.length === 0) return;
  const devices = await store.profiles.resolutionDevices(tenantId, autopilotIds);
  await resolveDevices(store, tenantId, devices, rules, now);
}

/** Whether an assignment targets or excludes the group: only then can its membership change what devices resolve to. */
export async function groupIsTargeted(store: Store, tenantId: string, groupId: string): Promise<boolean> {
  return (await store.profiles.assignmentsForResolution(tenantId)).some((a) => a.target.kind !== 'allDevices' && a.target.groupId === groupId);
}

/**
 * The profile that would win for this Entra object if it were an Autopilot device (null: none targets it), for
 * "Convert all targeted devices", which looks at devices that are not registered yet.
 */
export async function profileTargeting(store: Store, tenantId: string, entraDeviceId: string): Promise<string | null> {
  const rules = resolutionRules(await store.profiles.assignmentsForResolution(tenantId));
  const memberships = await store.profiles.memberships(tenantId, [entraDeviceId], rules.groupIds);
  return winningProfile(memberships.get(entraDeviceId) ?? [], rules);
}

interface ResolutionRules {
  /** The profile assigned to all devices that wins among those (null: none). */
  allDevicesProfile: Candidate | null;
  /** Profiles by group for group targets and for exclusions. */
  includedBy: Map<string, Candidate[]>;
  excludedBy: Map<string, Set<string>>;
  /** Every group id that matters (for the membership query). */
  groupIds: string[];
}

interface Candidate {
  profileId: string;
  createdAt: string;
}

/** Older first; equal times by id, so the outcome never depends on row order. */
function older(a: Candidate, b: Candidate): boolean {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt;
  return a.profileId < b.profileId;
}

function resolutionRules(assignments: AssignmentForResolution[]): ResolutionRules {
  const rules: ResolutionRules = { allDevicesProfile: null, includedBy: new Map(), excludedBy: new Map(), groupIds: [] };
  const groups = new Set<string>();
  for (const assignment of assignments) {
    const candidate = { profileId: assignment.profileId, createdAt: assignment.profileCreatedAt };
    const target = assignment.target;
    if (target.kind === 'allDevices') {
      if (!rules.allDevicesProfile || older(candidate, rules.allDevicesProfile)) rules.allDevicesProfile = candidate;
    } else if (target.kind === 'group') {
      groups.add(target.groupId);
      const included = rules.includedBy.get(target.groupId);
      if (included) included.push(candidate);
      else rules.includedBy.set(target.groupId, [candidate]);
    } else {
      groups.add(target.groupId);
      const excluded = rules.excludedBy.get(target.groupId) ?? new Set<string>();
      excluded.add(assignment.profileId);
      rules.excludedBy.set(target.groupId, excluded);
    }
  }
  rules.groupIds = [...groups];
  return rules;
}

async function resolveDevices(store: Store, tenantId: string, devices: ResolutionDevice[], rules: ResolutionRules, now: string): Promise<void> {
  const objectIds = devices.flatMap((device) => device.entraObjectIds);
  const memberships = await store.profiles.memberships(tenantId, objectIds, rules.groupIds);
  const changes: ResolvedProfile[] = [];
  for (const device of devices) {
    const groups = device.entraObjectIds.flatMap((objectId) => memberships.get(objectId) ?? []);
    const winner = winningProfile(groups, rules);
    const status = assignmentStatus(winner, device.deliveredProfileId);
    const profileChanged = winner !== device.deploymentProfileId || winner !== device.intendedDeploymentProfileId;
    // The assigned time moves when the profile changes, and is empty while none is assigned.
    const assignedAt = winner === null ? null : profileChanged || device.deploymentProfileAssignedAt === null ? now : undefined;
    const unchanged =
      !profileChanged &&
      status === device.deploymentProfileAssignmentStatus &&
      (assignedAt === undefined || assignedAt === device.deploymentProfileAssignedAt);
    if (!unchanged) changes.push({ autopilotDeviceId: device.autopilotDeviceId, profileId: winner, status, assignedAt });
  }
  if (changes.length > 0) await store.profiles.writeResolutions(tenantId, changes, now);
}

function winningProfile(groupIds: string[], rules: ResolutionRules): string | null {
  const excluded = new Set<string>();
  for (const groupId of groupIds) for (const profileId of rules.excludedBy.get(groupId) ?? []) excluded.add(profileId);
  let best: Candidate | null = rules.allDevicesProfile;
  for (const groupId of groupIds) {
    for (const candidate of rules.includedBy.get(groupId) ?? []) {
      if (excluded.has(candidate.profileId)) continue;
      if (!best || older(candidate, best)) best = candidate;
    }
  }
  return best?.profileId ?? null;
}

/** windowsAutopilotProfileAssignmentStatus for a resolved profile and what the device last downloaded. */
export function assignmentStatus(profileId: string | null, deliveredProfileId: string | null): ProfileAssignmentStatus {
  if (profileId === null) return 'notAssigned';
  if (deliveredProfileId === null) return 'assignedUnkownSyncState';
  return deliveredProfileId === profileId ? 'assignedInSync' : 'assignedOutOfSync';
}
