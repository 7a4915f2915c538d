// What the directory domain (Entra devices, groups, dynamic membership) needs from storage.
// src/store/directory-store.ts implements it. No SQL, no HTTP.
import type { EntraDevice } from '../registry/ports.js';

export type MembershipRuleProcessingState = 'On' | 'Paused';

/** An Entra group (Tarmac's hold Entra devices: static ones by $ref, dynamic ones by their membership rule). */
export interface Group {
  id: string;
  tenantId: string;
  displayName: string;
  description: string;
  mailNickname: string;
  mailEnabled: boolean;
  securityEnabled: boolean;
  /** e.g. ["DynamicMembership"]. */
  groupTypes: string[];
  membershipRule: string | null;
  /** Only dynamic groups have one. */
  membershipRuleProcessingState: MembershipRuleProcessingState | null;
  createdAt: string;
  updatedAt: string;
}

export interface GroupPatch {
  displayName?: string;
  description?: string;
  mailNickname?: string;
  groupTypes?: string[];
  membershipRule?: string | null;
  membershipRuleProcessingState?: MembershipRuleProcessingState | null;
}

export interface Membership {
  groupId: string;
  memberId: string;
}

export interface DirectoryRepository {
  createGroup(group: Group): Promise<void>;
  findGroup(tenantId: string, id: string): Promise<Group | undefined>;
  /** Groups of the tenant whose display name equals `name` (case-insensitive). */
  findGroupsByName(tenantId: string, name: string): Promise<Group[]>;
  updateGroup(tenantId: string, id: string, patch: GroupPatch, now: string): Promise<void>;
  /** Deletes the group and its memberships. False when there was none. */
  deleteGroup(tenantId: string, id: string): Promise<boolean>;
  /** The tenant's dynamic groups whose rule processing is On. */
  activeDynamicGroups(tenantId: string): Promise<Group[]>;

  /** Member object ids of a group. */
  memberIds(groupId: string): Promise<string[]>;
  /** Memberships of these devices, in any group of the tenant. */
  membershipsOf(tenantId: string, memberIds: string[]): Promise<Membership[]>;
  /** Adds memberships (already present ones are kept as they are). */
  addMemberships(tenantId: string, memberships: Membership[], now: string): Promise<void>;
  removeMemberships(tenantId: string, memberships: Membership[]): Promise<void>;

  /** Entra devices of the tenant with these object ids (missing ones are left out). */
  entraDevices(tenantId: string, ids: string[]): Promise<EntraDevice[]>;
  /** Deletes an Entra device with its physicalIds, its memberships and its neighbour hardware keys. False when there was none. */
  deleteEntraDevice(tenantId: string, id: string): Promise<boolean>;
  /** Whether another Entra device (any tenant) has this deviceId. */
  deviceIdTaken(deviceId: string): Promise<boolean>;
}
