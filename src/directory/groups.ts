// Groups: create, change, delete, and static membership, with Graph's validation. Every change runs in one
// transaction with the lifecycle hook that keeps memberships and deployment profiles in step.
import { randomUUID } from 'node:crypto';
import { afterGroupChanged, afterGroupDeleted, afterMembershipChanged } from '../lifecycle/index.js';
import type { Store } from '../ports.js';
import { DirectoryError, objectNotFound } from './errors.js';
import { isDynamic } from './membership.js';
import type { Group, GroupPatch, MembershipRuleProcessingState } from './ports.js';
import { MembershipRuleError, parseMembershipRule } from './rule.js';

export interface CreateGroupInput {
  displayName?: unknown;
  mailNickname?: unknown;
  mailEnabled?: unknown;
  securityEnabled?: unknown;
  description?: unknown;
  groupTypes?: unknown;
  membershipRule?: unknown;
  membershipRuleProcessingState?: unknown;
}

export type UpdateGroupInput = Omit<CreateGroupInput, 'mailEnabled' | 'securityEnabled'> & { mailEnabled?: unknown; securityEnabled?: unknown };

const DYNAMIC = 'DynamicMembership';
const MAX_DISPLAY_NAME = 256;
const MAX_MAIL_NICKNAME = 64;
const MAX_DESCRIPTION = 1024;

function bad(message: string): DirectoryError {
  return new DirectoryError('BadRequest', message);
}

function text(field: string, value: unknown, max: number, options: { required?: boolean } = {}): string {
  if (typeof value !== 'string') throw bad(`Property '${field}' must be a string${options.required ? ' and is required' : ''}.`);
  const trimmed = value.trim();
  if (options.required && trimmed === '') throw bad(`Property '${field}' is required and cannot be empty.`);
  if (trimmed.length > max) throw bad(`Property '${field}' is at most ${max} characters long (got ${trimmed.length}).`);
  return trimmed;
}

function mailNickname(value: unknown): string {
  const nick = text('mailNickname', value, MAX_MAIL_NICKNAME, { required: true });
  // Graph: ASCII 0–127 except @ () \ [] " ; : <> , SPACE.
  const badChar = [...nick].find((c) => c.charCodeAt(0) > 127 || '@()\\[]";:<>, '.includes(c));
  if (badChar !== undefined) throw bad(`Property 'mailNickname' cannot contain '${badChar}' (ASCII only, no spaces or @ ( ) \\ [ ] " ; : < > ,).`);
  return nick;
}

function bool(field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') throw bad(`Property '${field}' must be true or false.`);
  return value;
}

function groupTypes(value: unknown): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw bad(`Property 'groupTypes' must be an array of strings, e.g. ["DynamicMembership"].`);
  const out: string[] = [];
  for (const raw of value as string[]) {
    if (raw.toLowerCase() === 'unified') {
      throw bad(`groupTypes 'Unified' (Microsoft 365 groups) is not supported: Tarmac groups are security groups of devices. Leave groupTypes empty, or ["DynamicMembership"] for a rule-based group.`);
    }
    if (raw.toLowerCase() !== DYNAMIC.toLowerCase()) throw bad(`Unknown group type '${raw}' in groupTypes (Tarmac supports only "DynamicMembership").`);
    if (!out.includes(DYNAMIC)) out.push(DYNAMIC);
  }
  return out;
}

function processingState(value: unknown): MembershipRuleProcessingState {
  const v = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (v === 'on') return 'On';
  if (v === 'paused') return 'Paused';
  throw bad(`Property 'membershipRuleProcessingState' must be 'On' or 'Paused' (got ${JSON.stringify(value)}).`);
}

/** The rule as given (trimmed), after checking that it parses. */
function membershipRule(value: unknown): string {
  const rule = text('membershipRule', value, Number.MAX_SAFE_INTEGER, { required: true });
  try {
    parseMembershipRule(rule);
  } catch (err) {
    if (err instanceof MembershipRuleError) throw bad(err.message);
    throw err;
  }
  return rule;
}

/** Dynamic ⇔ a rule: Graph's own consistency check, with a message that says how to fix it. */
function checkConsistency(group: Pick<Group, 'groupTypes' | 'membershipRule' | 'membershipRuleProcessingState'>): void {
  const dynamic = isDynamic(group);
  if (dynamic && !group.membershipRule) {
    throw bad(`A group with groupTypes ["DynamicMembership"] needs a membershipRule, e.g. (device.devicePhysicalIds -any (_ -startsWith "[ZTDid]")).`);
  }
  if (!dynamic && group.membershipRule) {
    throw bad(`membershipRule is only allowed on dynamic groups: add "DynamicMembership" to groupTypes.`);
  }
  if (!dynamic && group.membershipRuleProcessingState) {
    throw bad(`membershipRuleProcessingState is only allowed on dynamic groups: add "DynamicMembership" to groupTypes.`);
  }
}

export async function createGroup(store: Store, tenantId: string, input: CreateGroupInput, now: string): Promise<Group> {
  const types = input.groupTypes === undefined || input.groupTypes === null ? [] : groupTypes(input.groupTypes);
  const rule = input.membershipRule === undefined || input.membershipRule === null ? null : membershipRule(input.membershipRule);
  const dynamic = types.includes(DYNAMIC);
  const state =
    input.membershipRuleProcessingState === undefined || input.membershipRuleProcessingState === null
      ? dynamic
        ? 'On'
        : null
      : processingState(input.membershipRuleProcessingState);
  const group: Group = {
    id: randomUUID(),
    tenantId,
    displayName: text('displayName', input.displayName, MAX_DISPLAY_NAME, { required: true }),
    description: input.description === undefined || input.description === null ? '' : text('description', input.description, MAX_DESCRIPTION),
    mailNickname: mailNickname(input.mailNickname),
    mailEnabled: input.mailEnabled === undefined ? false : bool('mailEnabled', input.mailEnabled),
    securityEnabled: input.securityEnabled === undefined ? true : bool('securityEnabled', input.securityEnabled),
    groupTypes: types,
    membershipRule: rule,
    membershipRuleProcessingState: state,
    createdAt: now,
    updatedAt: now,
  };
  checkConsistency(group);
  return store.transaction(async (tx) => {
    await tx.directory.createGroup(group);
    await afterGroupChanged(tx, tenantId, group.id, now);
    return group;
  });
}

export async function findGroup(store: Store, tenantId: string, id: string): Promise<Group> {
  const group = await store.directory.findGroup(tenantId, id.toLowerCase());
  if (!group) throw objectNotFound(id);
  return group;
}

export async function updateGroup(store: Store, tenantId: string, id: string, input: UpdateGroupInput, now: string): Promise<Group> {
  const patch: GroupPatch = {};
  if (input.displayName !== undefined) patch.displayName = text('displayName', input.displayName, MAX_DISPLAY_NAME, { required: true });
  if (input.description !== undefined) patch.description = input.description === null ? '' : text('description', input.description, MAX_DESCRIPTION);
  if (input.mailNickname !== undefined) patch.mailNickname = mailNickname(input.mailNickname);
  if (input.mailEnabled !== undefined || input.securityEnabled !== undefined) {
    throw bad(`mailEnabled and securityEnabled cannot be changed on a Tarmac group (it stays a security group).`);
  }
  if (input.groupTypes !== undefined) patch.groupTypes = input.groupTypes === null ? [] : groupTypes(input.groupTypes);
  if (input.membershipRule !== undefined) patch.membershipRule = input.membershipRule === null ? null : membershipRule(input.membershipRule);
  if (input.membershipRuleProcessingState !== undefined) {
    patch.membershipRuleProcessingState = input.membershipRuleProcessingState === null ? null : processingState(input.membershipRuleProcessingState);
  }
  return store.transaction(async (tx) => {
    const current = await findGroup(tx, tenantId, id);
    const next: Group = { ...current, ...patch, updatedAt: now };
    if (patch.groupTypes !== undefined && !isDynamic(next)) {
      // Turning a dynamic group static keeps its members (now static) and drops the rule.
      if (input.membershipRule === undefined) next.membershipRule = null;
      if (input.membershipRuleProcessingState === undefined) next.membershipRuleProcessingState = null;
    }
    if (isDynamic(next) && next.membershipRuleProcessingState === null) next.membershipRuleProcessingState = 'On';
    checkConsistency(next);
    await tx.directory.updateGroup(tenantId, current.id, {
      ...patch,
      membershipRule: next.membershipRule,
      membershipRuleProcessingState: next.membershipRuleProcessingState,
    }, now);
    await afterGroupChanged(tx, tenantId, current.id, now);
    return next;
  });
}

export async function deleteGroup(store: Store, tenantId: string, id: string, now: string): Promise<void> {
  await store.transaction(async (tx) => {
    const group = await findGroup(tx, tenantId, id);
    const former = await tx.directory.memberIds(group.id);
    await tx.directory.deleteGroup(tenantId, group.id);
    await afterGroupDeleted(tx, tenantId, group.id, former, now);
  });
}

function refuseDynamic(group: Group): void {
  if (isDynamic(group)) {
    throw bad(
      `Group '${group.displayName}' (${group.id}) is a dynamic group: its members follow its membershipRule and cannot be added or removed by hand. ` +
        `Change the rule, or make the group static by setting groupTypes to [].`,
    );
  }
}

/** POST /groups/{id}/members/$ref with an Entra device. */
export async function addGroupMember(store: Store, tenantId: string, groupId: string, memberId: string, now: string): Promise<void> {
  await store.transaction(async (tx) => {
    const group = await findGroup(tx, tenantId, groupId);
    refuseDynamic(group);
    const [device] = await tx.directory.entraDevices(tenantId, [memberId.toLowerCase()]);
    if (!device) throw objectNotFound(memberId);
    const memberships = await tx.directory.membershipsOf(tenantId, [device.id]);
    if (memberships.some((m) => m.groupId === group.id)) throw bad(`One or more added object references already exist for the following modified properties: 'members'.`);
    await tx.directory.addMemberships(tenantId, [{ groupId: group.id, memberId: device.id }], now);
    await afterMembershipChanged(tx, tenantId, [device.id], now);
  });
}

/** DELETE /groups/{id}/members/{memberId}/$ref. */
export async function removeGroupMember(store: Store, tenantId: string, groupId: string, memberId: string, now: string): Promise<void> {
  await store.transaction(async (tx) => {
    const group = await findGroup(tx, tenantId, groupId);
    refuseDynamic(group);
    const id = memberId.toLowerCase();
    const memberships = await tx.directory.membershipsOf(tenantId, [id]);
    if (!memberships.some((m) => m.groupId === group.id)) throw objectNotFound(memberId);
    await tx.directory.removeMemberships(tenantId, [{ groupId: group.id, memberId: id }]);
    await afterMembershipChanged(tx, tenantId, [id], now);
  });
}
