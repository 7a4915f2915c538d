// Microsoft Graph application permissions (app roles) that Tarmac knows. An app is granted a set of these; tokens
// carry them in `roles`; routes require one of them.
import { TenantsError } from './errors.js';

export const GRAPH_APP_ROLES = [
  'DeviceManagementServiceConfig.Read.All',
  'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementConfiguration.Read.All',
  'DeviceManagementConfiguration.ReadWrite.All',
  'DeviceManagementManagedDevices.Read.All',
  'DeviceManagementManagedDevices.ReadWrite.All',
  'DeviceManagementManagedDevices.PrivilegedOperations.All',
  'Device.Read.All',
  'Device.ReadWrite.All',
  'Directory.Read.All',
  'Directory.ReadWrite.All',
  'Group.Read.All',
  'Group.ReadWrite.All',
  'GroupMember.Read.All',
  'GroupMember.ReadWrite.All',
  'Organization.Read.All',
  'Organization.ReadWrite.All',
  'User.Read.All',
] as const;

export type GraphAppRole = (typeof GRAPH_APP_ROLES)[number];

/**
 * What a new tenant's app gets unless told otherwise: everything the Autopilot tools need (Microsoft's
 * Get-WindowsAutopilotInfo -Online asks for the first five), and reading the organization.
 */
export const DEFAULT_APP_ROLES: readonly GraphAppRole[] = [
  'DeviceManagementServiceConfig.ReadWrite.All',
  'DeviceManagementManagedDevices.ReadWrite.All',
  'Device.ReadWrite.All',
  'Group.ReadWrite.All',
  'GroupMember.ReadWrite.All',
  'Organization.Read.All',
];

/**
 * Canonical role names for `input` (matched case-insensitively, duplicates dropped, order kept), or
 * TenantsError('UnknownRole') naming the closest known role.
 */
export function normalizeRoles(input: readonly string[]): GraphAppRole[] {
  const out: GraphAppRole[] = [];
  for (const raw of input) {
    const wanted = raw.trim().toLowerCase();
    const role = GRAPH_APP_ROLES.find((r) => r.toLowerCase() === wanted);
    if (role === undefined) {
      const hint = closest(raw.trim());
      throw new TenantsError(
        'UnknownRole',
        `Unknown application permission '${raw}'.${hint ? ` Did you mean ${hint}?` : ''} Known: ${GRAPH_APP_ROLES.join(', ')}.`,
      );
    }
    if (!out.includes(role)) out.push(role);
  }
  return out;
}

function closest(input: string): GraphAppRole | undefined {
  const a = input.toLowerCase();
  let best: GraphAppRole | undefined;
  let bestDistance = Infinity;
  for (const role of GRAPH_APP_ROLES) {
    const d = editDistance(a, role.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = role;
    }
  }
  return bestDistance <= Math.max(3, Math.floor(a.length / 4)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
