// Dynamic group membership: evaluating groups' membership rules over Entra devices and keeping group_members in step.
import type { EntraDevice } from '../model/index.js';
import type { Store } from '../ports.js';
import type { Group, Membership } from './ports.js';
import { evaluateRule, parseMembershipRule, type RuleNode } from './rule.js';

/** Devices read per step when one group is evaluated over a whole tenant. */
const DEVICE_CHUNK = 1000;

/** A dynamic group whose rule processing is On (rules were validated when stored; a bad one matches nothing). */
function compiledRule(group: Group): RuleNode | undefined {
  if (!isDynamic(group) || group.membershipRuleProcessingState !== 'On' || !group.membershipRule) return undefined;
  try {
    return parseMembershipRule(group.membershipRule);
  } catch {
    return undefined;
  }
}

/** The tenant's dynamic groups whose rules are processed, each with its compiled rule. */
async function activeRules(store: Store, tenantId: string): Promise<{ group: Group; rule: RuleNode }[]> {
  return (await store.directory.activeDynamicGroups(tenantId))
    .map((group) => ({ group, rule: compiledRule(group) }))
    .filter((g): g is { group: Group; rule: RuleNode } => g.rule !== undefined);
}

export function isDynamic(group: Pick<Group, 'groupTypes'>): boolean {
  return group.groupTypes.some((t) => t.toLowerCase() === 'dynamicmembership');
}

/**
 * Adds Entra devices created in this transaction (in hand, so not read back) to the dynamic groups whose rules they
 * match. A new object is in no group yet, so there is nothing to remove: refreshDeviceMemberships with nothing to read.
 */
export async function addNewDeviceMemberships(store: Store, tenantId: string, devices: EntraDevice[], now: string): Promise<void> {
  if (devices.length === 0) return;
  const rules = await activeRules(store, tenantId);
  const add: Membership[] = [];
  for (const device of devices) for (const { group, rule } of rules) if (evaluateRule(rule, device)) add.push({ groupId: group.id, memberId: device.id });
  if (add.length > 0) await store.directory.addMemberships(tenantId, add, now);
}

/**
 * Re-evaluates these Entra devices (object ids) against every dynamic group of the tenant (rule processing On),
 * adding and removing memberships. Devices that no longer exist are dropped from every group.
 */
export async function refreshDeviceMemberships(store: Store, tenantId: string, entraDeviceIds: string[], now: string): Promise<void> {
  if (entraDeviceIds.length === 0) return;
  const rules = await activeRules(store, tenantId);
  const devices = await store.directory.entraDevices(tenantId, entraDeviceIds);
  const present = new Set(devices.map((d) => d.id));
  const current = await store.directory.membershipsOf(tenantId, entraDeviceIds);
  const has = new Set(current.map((m) => `${m.groupId}|${m.memberId}`));
  const dynamicIds = new Set(rules.map((r) => r.group.id));

  const add: Membership[] = [];
  const wanted = new Set<string>();
  for (const device of devices) {
    for (const { group, rule } of rules) {
      if (!evaluateRule(rule, device)) continue;
      const key = `${group.id}|${device.id}`;
      wanted.add(key);
      if (!has.has(key)) add.push({ groupId: group.id, memberId: device.id });
    }
  }
  // Leave static and paused groups alone; drop a vanished device from every group.
  const remove = current.filter((m) => !present.has(m.memberId) || (dynamicIds.has(m.groupId) && !wanted.has(`${m.groupId}|${m.memberId}`)));
  if (remove.length > 0) await store.directory.removeMemberships(tenantId, remove);
  if (add.length > 0) await store.directory.addMemberships(tenantId, add, now);
}

/** Re-evaluates one group's rule over every Entra device of the tenant; returns the device ids whose membership changed. */
export async function refreshGroupMembership(store: Store, tenantId: string, groupId: string, now: string): Promise<string[]> {
  const group = await store.directory.findGroup(tenantId, groupId);
  if (!group || !isDynamic(group) || group.membershipRuleProcessingState !== 'On') return [];
  const rule = compiledRule(group);
  const before = new Set(await store.directory.memberIds(groupId));
  const after = new Set<string>();
  let afterId: string | null = null;
  for (;;) {
    const devices = await store.entra.inIdOrder(tenantId, afterId, DEVICE_CHUNK);
    for (const device of devices) if (rule && evaluateRule(rule, device)) after.add(device.id);
    if (devices.length < DEVICE_CHUNK) break;
    afterId = devices[devices.length - 1].id;
  }
  const added = [...after].filter((id) => !before.has(id));
  const removed = [...before].filter((id) => !after.has(id));
  if (removed.length > 0) await store.directory.removeMemberships(tenantId, removed.map((memberId) => ({ groupId, memberId })));
  if (added.length > 0) await store.directory.addMemberships(tenantId, added.map((memberId) => ({ groupId, memberId })), now);
  return [...added, ...removed];
}
