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
  // Intune's audit log (auditEvents) is read with these, as in Graph.
  'DeviceManagementApps.Read.All',
  'DeviceManagementApps.ReadWrite.All',
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

// ---- directory roles (users) ------------------------------------------------------------------------------------

/**
 * The Entra directory roles Tarmac knows, with Entra's role template ids (the tokens' `wids`) and the Graph
 * permissions each lets a signed-in user exercise: a delegated token's `scp` is the requested scopes intersected
 * with the union of these over the user's roles.
 */
export const DIRECTORY_ROLES = {
  'Global Administrator': { templateId: '62e90394-69f5-4237-9190-012177145e10', permissions: GRAPH_APP_ROLES },
  'Intune Administrator': {
    templateId: '3a2c62db-5318-420d-8d74-23affee5d9d5',
    permissions: [
      'DeviceManagementServiceConfig.ReadWrite.All',
      'DeviceManagementManagedDevices.ReadWrite.All',
      'DeviceManagementConfiguration.ReadWrite.All',
      'DeviceManagementApps.ReadWrite.All',
      'Device.ReadWrite.All',
      'Group.ReadWrite.All',
      'GroupMember.ReadWrite.All',
      'Directory.Read.All',
      'Organization.Read.All',
      'User.Read.All',
    ],
  },
  'Global Reader': {
    templateId: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
    permissions: GRAPH_APP_ROLES.filter((r) => r.endsWith('.Read.All')),
  },
} as const satisfies Record<string, { templateId: string; permissions: readonly GraphAppRole[] }>;

export type DirectoryRole = keyof typeof DIRECTORY_ROLES;

export const DIRECTORY_ROLE_NAMES = Object.keys(DIRECTORY_ROLES) as DirectoryRole[];

/** Canonical directory role names (case-insensitive match), or TenantsError('UnknownRole') listing the known ones. */
export function normalizeDirectoryRoles(input: readonly string[]): DirectoryRole[] {
  const out: DirectoryRole[] = [];
  for (const raw of input) {
    const role = DIRECTORY_ROLE_NAMES.find((r) => r.toLowerCase() === raw.trim().toLowerCase());
    if (role === undefined) {
      throw new TenantsError('UnknownRole', `Unknown directory role '${raw}'. Known: ${DIRECTORY_ROLE_NAMES.map((r) => `'${r}'`).join(', ')}.`);
    }
    if (!out.includes(role)) out.push(role);
  }
  return out;
}

/** The Graph permissions the roles allow together, in GRAPH_APP_ROLES order (unknown role names allow nothing). */
export function permissionsOfDirectoryRoles(roles: readonly string[]): GraphAppRole[] {
  const allowed = new Set<string>();
  for (const name of roles) {
    const role = DIRECTORY_ROLES[name as DirectoryRole] as { permissions: readonly string[] } | undefined;
    for (const p of role?.permissions ?? []) allowed.add(p);
  }
  return GRAPH_APP_ROLES.filter((r) => allowed.has(r));
}

/** The role template ids of the roles (the tokens' `wids`). */
export function templateIdsOf(roles: readonly string[]): string[] {
  return roles.flatMap((name) => {
    const role = DIRECTORY_ROLES[name as DirectoryRole] as { templateId: string } | undefined;
    return role ? [role.templateId] : [];
  });
}
