// Dynamic device groups in the console: the Graph shapes, the rule checked and evaluated in the browser with Tarmac's
// own parser (src/directory/rule.ts, pure TS) so that the editor shows the server's error at its position and a
// preview of the devices the rule matches, and the common Autopilot rules.
import { evaluateRule, MembershipRuleError, parseMembershipRule, type RuleNode, type RuleSubject } from '../../../src/directory/rule.js';

export const DYNAMIC = 'DynamicMembership';

export interface GraphGroup {
  id: string;
  displayName: string;
  description: string | null;
  groupTypes: string[];
  membershipRule: string | null;
  membershipRuleProcessingState: string | null;
  mailNickname: string;
  createdDateTime: string;
}

/** What the rule preview and the member list read of a Graph device. */
export interface GraphDevice {
  id: string;
  deviceId: string;
  displayName: string;
  operatingSystem: string;
  operatingSystemVersion: string;
  accountEnabled: boolean;
  trustType: string | null;
  enrollmentProfileName: string | null;
  deviceOwnership: string | null;
  managementType: string | null;
  physicalIds: string[];
}

export const isDynamic = (g: Pick<GraphGroup, 'groupTypes'>) => g.groupTypes.some((t) => t.toLowerCase() === DYNAMIC.toLowerCase());

export type RuleCheck = { ok: true; node: RuleNode } | { ok: false; position: number; message: string };

/** The rule parsed, or where (0-based) and why it is not a rule. */
export function checkRule(text: string): RuleCheck {
  try {
    return { ok: true, node: parseMembershipRule(text) };
  } catch (err) {
    if (err instanceof MembershipRuleError) return { ok: false, position: Math.min(err.position, text.length), message: err.detail };
    return { ok: false, position: 0, message: err instanceof Error ? err.message : String(err) };
  }
}

function subjectOf(d: GraphDevice): RuleSubject {
  return {
    id: d.id,
    deviceId: d.deviceId,
    displayName: d.displayName,
    operatingSystem: d.operatingSystem,
    operatingSystemVersion: d.operatingSystemVersion,
    accountEnabled: d.accountEnabled,
    trustType: d.trustType,
    enrollmentProfileName: d.enrollmentProfileName,
    deviceOwnership: d.deviceOwnership ?? '',
    managementType: d.managementType,
    physicalIds: d.physicalIds ?? [],
  };
}

/** The devices the rule matches, as Tarmac's membership evaluation would pick them. */
export function matchingDevices(node: RuleNode, devices: GraphDevice[]): GraphDevice[] {
  return devices.filter((d) => evaluateRule(node, subjectOf(d)));
}

/** A device's group tag ([OrderID]:x) and purchase order ([PurchaseOrderId]:x), for the lists. */
export function physicalIdValue(d: GraphDevice, prefix: '[OrderID]' | '[PurchaseOrderId]'): string {
  const p = d.physicalIds?.find((id) => id.toLowerCase().startsWith(`${prefix.toLowerCase()}:`));
  return p ? p.slice(prefix.length + 1) : '';
}

/** Quotes a value for a rule: "…" with Entra's backtick escape for a quote. */
export function ruleString(value: string): string {
  return `"${value.replace(/"/g, '`"')}"`;
}

/** The Autopilot rules Intune's documentation gives (A.8). */
export const AUTOPILOT_RULES = {
  all: '(device.devicePhysicalIds -any (_ -startsWith "[ZTDid]"))',
  groupTag: (tag: string) => `(device.devicePhysicalIds -any (_ -eq ${ruleString(`[OrderID]:${tag}`)}))`,
  purchaseOrder: (po: string) => `(device.devicePhysicalIds -any (_ -eq ${ruleString(`[PurchaseOrderId]:${po}`)}))`,
};

/** A mailNickname Graph accepts, made from the group's name (the portal makes one too). */
export function mailNicknameOf(name: string): string {
  const base = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]/g, '').slice(0, 48);
  const suffix = Math.random().toString(16).slice(2, 8);
  return `${base || 'group'}-${suffix}`;
}

/** How many devices the preview reads at most. */
export const PREVIEW_LIMIT = 1000;
