// What the directory domain (Entra devices, groups, dynamic membership) needs from storage.
// src/store/entra-device-repository.ts and directory-repository.ts implement it. No SQL, no HTTP.
import type { EntraDevice, ListPage, ListQuery } from '../model/index.js';

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

/** Entra device properties that join, enrollment and PATCH /devices change. */
export interface EntraDevicePatch {
  /** Links the object to an Autopilot device (a converted device) or unlinks it. */
  autopilotDeviceId?: string | null;
  displayName?: string;
  accountEnabled?: boolean;
  operatingSystemVersion?: string;
  trustType?: string | null;
  profileType?: string | null;
  enrollmentProfileName?: string | null;
  deviceOwnership?: string;
  isManaged?: boolean;
  managementType?: string | null;
  mdmAppId?: string | null;
  approximateLastSignInAt?: string | null;
}

export interface EntraDeviceRepository {
  find(tenantId: string, id: string): Promise<EntraDevice | undefined>;
  findByAutopilotDevice(tenantId: string, autopilotDeviceId: string): Promise<EntraDevice | undefined>;
  /** A page of the tenant's Entra devices under an OData list query. */
  list(tenantId: string, query: ListQuery): Promise<ListPage<EntraDevice>>;
  /** A page of the Entra devices that are members of the group (the caller checked it is the tenant's). */
  listMembersOf(tenantId: string, groupId: string, query: ListQuery): Promise<ListPage<EntraDevice>>;
  /** At most `limit` Entra devices of the tenant with id > afterId (null: from the start), in id order. */
  inIdOrder(tenantId: string, afterId: string | null, limit: number): Promise<EntraDevice[]>;
  /** Inserts an Entra device with its physicalIds (not through registration: workplace join, POST /devices). */
  create(device: EntraDevice): Promise<void>;
  update(tenantId: string, id: string, patch: EntraDevicePatch, now: string): Promise<void>;
  /** Replaces the physicalIds that start with one of `prefixes` by `values` (others stay). */
  replacePhysicalIds(tenantId: string, id: string, prefixes: string[], values: string[], now: string): Promise<void>;
  delete(tenantId: string, id: string): Promise<void>;
}

export interface DirectoryRepository {
  createGroup(group: Group): Promise<void>;
  findGroup(tenantId: string, id: string): Promise<Group | undefined>;
  /** A page of the tenant's groups under an OData list query. */
  listGroups(tenantId: string, query: ListQuery): Promise<ListPage<Group>>;
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
