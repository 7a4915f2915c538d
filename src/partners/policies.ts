// Partner Center configuration policies (partner-center-reference §2.9, §3, §4.1): a partner's "Windows Autopilot
// profiles" for one customer — a name, a description and OOBE settings (PolicySettingsType) — created, listed, read,
// updated and deleted through /v1/customers/{customer-id}/policies. Requests come from the .NET SDK (PascalCase,
// Category "none", CreatedDate 0001-01-01), the PowerShell module and the docs' camelCase; property names are read
// case-insensitively and what a client may not set (id, dates, devicesAssigned[Count], attributes) is ignored.
//
// Deleting a policy that is still applied to devices clears it from them (Tarmac's choice, see README "Tarmac
// choices"): at their next OOBE they get their Intune profile, or the default document.
import { randomUUID } from 'node:crypto';
import { PartnerError } from './errors.js';
import { propertiesOf } from './wire-body.js';
import { POLICY_SETTINGS, type PartnerPolicy, type PartnerPolicyRepository, type PartnerPolicyWithCount, type PolicySetting } from './ports.js';

/** PolicySettingsType's flag values (the SDK's enum). */
export const POLICY_SETTING_FLAGS: Readonly<Record<PolicySetting, number>> = {
  remove_oem_preinstalls: 1,
  oobe_user_not_local_admin: 2,
  skip_express_settings: 4,
  skip_oem_registration: 8,
  skip_eula: 16,
};

const ALL_FLAGS = Object.values(POLICY_SETTING_FLAGS).reduce((a, b) => a | b, 0);

/** The request's properties by lower-case name (Partner Center reads property names case-insensitively). */
function properties(body: unknown): Map<string, unknown> {
  const found = propertiesOf(body);
  if (found === undefined) {
    throw new PartnerError('InvalidInput', 'The request body must be a ConfigurationPolicy JSON object ({"name", "category", "description", "policySettings"}).', ['body']);
  }
  return found;
}

/** "SkipEula", "skip_eula", "SKIP_EULA" → "skip_eula" (the SDK's enum names split at every capital). */
function snakeName(text: string): string {
  const trimmed = text.trim();
  const snake = /[a-z]/.test(trimmed) && /[A-Z]/.test(trimmed) ? trimmed.replace(/(?<=[a-z0-9])(?=[A-Z])/g, '_') : trimmed;
  return snake.toLowerCase();
}

function flagsToSettings(flags: number, field: string): PolicySetting[] {
  if (!Number.isInteger(flags) || flags < 0 || (flags & ~ALL_FLAGS) !== 0) {
    throw new PartnerError(
      'InvalidInput',
      `${field}: ${flags} is not a combination of PolicySettingsType flags (${POLICY_SETTINGS.map((s) => `${s}=${POLICY_SETTING_FLAGS[s]}`).join(', ')}).`,
      [field],
    );
  }
  return POLICY_SETTINGS.filter((s) => (flags & POLICY_SETTING_FLAGS[s]) !== 0);
}

/**
 * policySettings as any client sends it: an array of names (any case, snake or Pascal) or of flag integers, one flags
 * integer, or a comma-separated string of names; "none" (or 0) adds nothing. Unknown names are refused, each named.
 * Returns the settings without duplicates, in PolicySettingsType order.
 */
export function readPolicySettings(value: unknown, field = 'policySettings'): PolicySetting[] {
  const items: unknown[] = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [value];
  const found = new Set<PolicySetting>();
  const unknown: string[] = [];
  for (const item of items) {
    if (typeof item === 'number') {
      for (const s of flagsToSettings(item, field)) found.add(s);
      continue;
    }
    if (typeof item !== 'string') {
      throw new PartnerError('InvalidInput', `${field} must be an array of PolicySettingsType names (${POLICY_SETTINGS.join(', ')}); got ${JSON.stringify(item)}.`, [field]);
    }
    const name = snakeName(item);
    if (name === 'none' || name === '') continue;
    if (/^\d+$/.test(name)) {
      for (const s of flagsToSettings(Number(name), field)) found.add(s);
      continue;
    }
    const setting = POLICY_SETTINGS.find((s) => s === name);
    if (setting) found.add(setting);
    else unknown.push(item.trim());
  }
  if (unknown.length > 0) {
    throw new PartnerError(
      'InvalidInput',
      `${field}: ${unknown.map((u) => `'${u}'`).join(', ')} ${unknown.length === 1 ? 'is not a' : 'are not'} PolicySettingsType ` +
        `name${unknown.length === 1 ? '' : 's'}; use ${POLICY_SETTINGS.join(', ')} (or none).`,
      [field],
    );
  }
  return POLICY_SETTINGS.filter((s) => found.has(s));
}

/** PolicyCategory: o_o_b_e, or none (what the SDK and the PowerShell module send when it is not set), as o_o_b_e. */
function readCategory(value: unknown): 'o_o_b_e' {
  if (value === undefined || value === null || value === 0 || value === 1) return 'o_o_b_e';
  if (typeof value === 'string' && ['o_o_b_e', 'oobe', 'none', '0', '1'].includes(snakeName(value))) return 'o_o_b_e';
  throw new PartnerError('InvalidInput', `category: ${JSON.stringify(value)} is not a PolicyCategory Tarmac accepts; a configuration policy's category is o_o_b_e.`, [
    'category',
  ]);
}

function readName(value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new PartnerError('InvalidInput', 'name is required: the policy (Windows Autopilot profile) needs a non-empty name.', ['name']);
  }
  return value.trim();
}

function readDescription(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value !== 'string') throw new PartnerError('InvalidInput', `description must be a string; got ${JSON.stringify(value)}.`, ['description']);
  return value;
}

export interface PolicyInput {
  name: string;
  description: string;
  settings: PolicySetting[];
}

/** A create request's fields (name and policySettings required). */
export function readNewPolicy(body: unknown): PolicyInput {
  const p = properties(body);
  readCategory(p.get('category'));
  const name = readName(p.get('name'));
  const rawSettings = p.get('policysettings');
  if (rawSettings === undefined || rawSettings === null) {
    throw new PartnerError('InvalidInput', `policySettings is required: an array of PolicySettingsType names (${POLICY_SETTINGS.join(', ')}), or ["none"].`, [
      'policySettings',
    ]);
  }
  return { name, description: readDescription(p.get('description')), settings: readPolicySettings(rawSettings) };
}

/** An update request's fields: those present replace the policy's; id and category cannot change. */
export function readPolicyUpdate(body: unknown, id: string): Partial<PolicyInput> {
  const p = properties(body);
  readCategory(p.get('category'));
  const givenId = p.get('id');
  if (givenId !== undefined && givenId !== null && givenId !== '' && (typeof givenId !== 'string' || givenId.toLowerCase() !== id.toLowerCase())) {
    throw new PartnerError('InvalidInput', `id ${JSON.stringify(givenId)} is not the policy of the path (${id}); a policy's id cannot change.`, ['id']);
  }
  const out: Partial<PolicyInput> = {};
  if (p.has('name')) out.name = readName(p.get('name'));
  if (p.has('description')) out.description = readDescription(p.get('description'));
  const rawSettings = p.get('policysettings');
  if (rawSettings !== undefined && rawSettings !== null) out.settings = readPolicySettings(rawSettings);
  return out;
}

export interface PolicyContext {
  policies: PartnerPolicyRepository;
  /** The customer of the path (its relationship with the caller already checked). */
  customerTenantId: string;
}

function notFound(customerTenantId: string, id: string): PartnerError {
  return new PartnerError('NotFound', `Customer ${customerTenantId} has no configuration policy ${id}.`);
}

export async function createPolicy(ctx: PolicyContext, partnerTenantId: string, body: unknown, now: Date): Promise<PartnerPolicyWithCount> {
  const input = readNewPolicy(body);
  const stamp = now.toISOString();
  const policy: PartnerPolicy = {
    id: randomUUID(),
    customerTenantId: ctx.customerTenantId,
    createdByTenantId: partnerTenantId,
    category: 'o_o_b_e',
    ...input,
    createdAt: stamp,
    updatedAt: stamp,
  };
  await ctx.policies.insert(policy);
  return { ...policy, devicesAssignedCount: 0 };
}

/** The customer's policies, oldest first (every partner related to the customer sees them, as in Partner Center). */
export async function listPolicies(ctx: PolicyContext): Promise<PartnerPolicyWithCount[]> {
  return ctx.policies.list(ctx.customerTenantId);
}

export async function getPolicy(ctx: PolicyContext, id: string): Promise<PartnerPolicyWithCount> {
  const policy = await ctx.policies.find(ctx.customerTenantId, id.toLowerCase());
  if (!policy) throw notFound(ctx.customerTenantId, id);
  return policy;
}

export async function updatePolicy(ctx: PolicyContext, id: string, body: unknown, now: Date): Promise<PartnerPolicyWithCount> {
  const current = await getPolicy(ctx, id);
  const changes = readPolicyUpdate(body, current.id);
  const { devicesAssignedCount, ...policy } = current;
  const updated: PartnerPolicy = { ...policy, ...changes, updatedAt: now.toISOString() };
  await ctx.policies.update(updated);
  return { ...updated, devicesAssignedCount };
}

/** Deletes the policy; devices it was applied to lose it (their next OOBE gets their Intune profile or the default). */
export async function deletePolicy(ctx: PolicyContext, id: string): Promise<void> {
  if (!(await ctx.policies.delete(ctx.customerTenantId, id.toLowerCase()))) throw notFound(ctx.customerTenantId, id);
}
