// The Windows Autopilot devices grid's data: the beta windowsAutopilotDeviceIdentity fields it shows, the OData query
// for a filter and sort (server-side: $filter, $orderby, $select, $top, $count), Intune's labels for the profile
// status (reference A.3), and the CSV export of a filtered view.
import { graph, odataString, relative, type Page } from '../api/client';

export const DEVICES_PATH = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';
/** Rows per request: small enough for a fast first paint, large enough for smooth scrolling. */
export const PAGE_SIZE = 200;
/** Graph's "never" date. */
export const NEVER = '0001-01-01T00:00:00Z';

export interface AutopilotDevice {
  id: string;
  serialNumber: string;
  manufacturer: string;
  model: string;
  groupTag: string;
  purchaseOrderIdentifier: string;
  enrollmentState: string;
  lastContactedDateTime: string | null;
  deploymentProfileAssignmentStatus: string;
  remediationState: string;
  userPrincipalName: string;
  addressableUserName: string;
  displayName: string;
}

export interface AutopilotDeviceDetail extends AutopilotDevice {
  managedDeviceId: string | null;
  azureActiveDirectoryDeviceId?: string | null;
  azureAdDeviceId?: string | null;
  deploymentProfileAssignedDateTime: string | null;
  remediationStateLastModifiedDateTime: string | null;
  deploymentProfile?: { id: string; displayName: string } | null;
  intendedDeploymentProfile?: { id: string; displayName: string } | null;
}

export type ColumnKey =
  | 'serialNumber'
  | 'manufacturer'
  | 'model'
  | 'groupTag'
  | 'deploymentProfileAssignmentStatus'
  | 'purchaseOrderIdentifier'
  | 'enrollmentState'
  | 'lastContactedDateTime'
  | 'userPrincipalName';

export interface Column {
  key: ColumnKey;
  label: string;
  /** Grid width in px. */
  width: number;
  /** Shown unless the user hides it with the column chooser. */
  defaultVisible: boolean;
}

export const COLUMNS: Column[] = [
  { key: 'serialNumber', label: 'Serial number', width: 170, defaultVisible: true },
  { key: 'manufacturer', label: 'Manufacturer', width: 130, defaultVisible: true },
  { key: 'model', label: 'Model', width: 160, defaultVisible: true },
  { key: 'groupTag', label: 'Group tag', width: 120, defaultVisible: true },
  { key: 'deploymentProfileAssignmentStatus', label: 'Profile status', width: 140, defaultVisible: true },
  { key: 'purchaseOrderIdentifier', label: 'Purchase order', width: 130, defaultVisible: true },
  { key: 'enrollmentState', label: 'Enrollment state', width: 130, defaultVisible: true },
  { key: 'lastContactedDateTime', label: 'Last contacted', width: 170, defaultVisible: true },
  { key: 'userPrincipalName', label: 'User', width: 200, defaultVisible: false },
];

/** Only these are fetched for the grid (the drawer fetches the whole device). */
export const GRID_SELECT = ['id', ...COLUMNS.map((c) => c.key), 'remediationState', 'addressableUserName', 'displayName'].join(',');

/** Intune's "Profile status" label (reference A.3): remediation first, then the assignment status. */
export function profileStatusLabel(d: Pick<AutopilotDevice, 'deploymentProfileAssignmentStatus' | 'remediationState'>): string {
  if (d.remediationState === 'automaticRemediationRequired') return 'Fix pending';
  if (d.remediationState === 'manualRemediationRequired') return 'Attention required';
  switch (d.deploymentProfileAssignmentStatus) {
    case 'assignedInSync':
    case 'assignedOutOfSync':
    case 'assignedUnkownSyncState':
      return 'Assigned';
    case 'pending':
      return 'Assigning';
    case 'notAssigned':
      return 'Not assigned';
    case 'failed':
      return 'Failed';
    default:
      return 'Unknown';
  }
}

export const ENROLLMENT_STATE_LABELS: Record<string, string> = {
  unknown: 'Unknown',
  enrolled: 'Enrolled',
  pendingReset: 'Pending reset',
  failed: 'Failed',
  notContacted: 'Not contacted',
  blocked: 'Blocked',
};

export function enrollmentStateLabel(state: string): string {
  return ENROLLMENT_STATE_LABELS[state] ?? state;
}

/** A date as the grid shows it; "Never" for Graph's 0001-01-01. */
export function dateLabel(value: string | null | undefined): string {
  if (!value || value.startsWith('0001-01-01')) return 'Never';
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : d.toLocaleString();
}

/** The profile status filter's choices, each an OData condition. */
export const PROFILE_STATUS_FILTERS: { value: string; label: string; filter: string }[] = [
  {
    value: 'assigned',
    label: 'Assigned',
    filter: "(deploymentProfileAssignmentStatus eq 'assignedInSync' or deploymentProfileAssignmentStatus eq 'assignedOutOfSync' or deploymentProfileAssignmentStatus eq 'assignedUnkownSyncState')",
  },
  { value: 'pending', label: 'Assigning', filter: "deploymentProfileAssignmentStatus eq 'pending'" },
  { value: 'notAssigned', label: 'Not assigned', filter: "deploymentProfileAssignmentStatus eq 'notAssigned'" },
  { value: 'failed', label: 'Failed', filter: "deploymentProfileAssignmentStatus eq 'failed'" },
  { value: 'fixPending', label: 'Fix pending', filter: "remediationState eq 'automaticRemediationRequired'" },
  { value: 'attention', label: 'Attention required', filter: "remediationState eq 'manualRemediationRequired'" },
];

export interface DeviceFilter {
  serial: string;
  groupTag: string;
  /** A PROFILE_STATUS_FILTERS value, or '' for any. */
  profileStatus: string;
  /** An enrollmentState value, or '' for any. */
  enrollmentState: string;
}

export interface DeviceSort {
  key: ColumnKey;
  descending: boolean;
}

export const NO_FILTER: DeviceFilter = { serial: '', groupTag: '', profileStatus: '', enrollmentState: '' };

/** The $filter for a filter, or '' for none. Serial numbers: contains() (Graph refuses eq on serialNumber). */
export function odataFilter(f: DeviceFilter): string {
  const parts: string[] = [];
  if (f.serial.trim() !== '') parts.push(`contains(serialNumber,${odataString(f.serial.trim())})`);
  if (f.groupTag.trim() !== '') parts.push(`groupTag eq ${odataString(f.groupTag.trim())}`);
  const status = PROFILE_STATUS_FILTERS.find((s) => s.value === f.profileStatus);
  if (status) parts.push(status.filter);
  if (f.enrollmentState !== '') parts.push(`enrollmentState eq ${odataString(f.enrollmentState)}`);
  return parts.join(' and ');
}

/** The first page's URL for a filter and sort. */
export function devicesUrl(f: DeviceFilter, sort: DeviceSort | null, top = PAGE_SIZE, select = GRID_SELECT): string {
  const params = new URLSearchParams({ $top: String(top), $count: 'true', $select: select });
  const filter = odataFilter(f);
  if (filter !== '') params.set('$filter', filter);
  // (The server breaks ties by id itself, so pages never repeat or skip a row.)
  if (sort) params.set('$orderby', `${sort.key} ${sort.descending ? 'desc' : 'asc'}`);
  return `${DEVICES_PATH}?${params.toString()}`;
}

export async function fetchDevicePage(url: string, signal?: AbortSignal): Promise<Page<AutopilotDevice>> {
  return graph<Page<AutopilotDevice>>(url, signal ? { signal } : {});
}

/** One CSV field, quoted when it needs to be. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Every device of the filtered view (all pages, 1000 at a time) as CSV text, with the visible columns. */
export async function exportCsv(
  f: DeviceFilter,
  sort: DeviceSort | null,
  columns: Column[],
  onProgress: (done: number, total: number | undefined) => void,
  signal?: AbortSignal,
): Promise<string> {
  const lines = [columns.map((c) => csvField(c.label)).join(',')];
  let next: string | undefined = devicesUrl(f, sort, 1000);
  let done = 0;
  while (next !== undefined) {
    const page: Page<AutopilotDevice> = await fetchDevicePage(next, signal);
    for (const d of page.value) lines.push(columns.map((c) => csvField(cellText(d, c.key))).join(','));
    done += page.value.length;
    onProgress(done, page['@odata.count']);
    next = page['@odata.nextLink'] !== undefined ? relative(page['@odata.nextLink']) : undefined;
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** The text a cell shows (and the CSV holds). */
export function cellText(d: AutopilotDevice, key: ColumnKey): string {
  switch (key) {
    case 'deploymentProfileAssignmentStatus':
      return profileStatusLabel(d);
    case 'enrollmentState':
      return enrollmentStateLabel(d.enrollmentState);
    case 'lastContactedDateTime':
      return dateLabel(d.lastContactedDateTime);
    default:
      return d[key] ?? '';
  }
}

/** Offers text as a file download (client-side). */
export function download(text: string, fileName: string, type = 'text/csv'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// ---- Actions ----------------------------------------------------------------------------------------------------

export function deviceActionPath(id: string, action?: string): string {
  return `${DEVICES_PATH}/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;
}

export interface OffboardStep {
  system: 'intune' | 'user' | 'autopilot' | 'entra';
  action: 'deleted' | 'unassigned' | 'deregistered' | 'kept' | 'none' | 'failed' | 'skipped';
  detail: string;
}

export interface OffboardReport {
  id: string;
  serialNumber: string;
  completed: boolean;
  steps: OffboardStep[];
}

export const SYSTEM_LABELS: Record<OffboardStep['system'], string> = {
  intune: 'Intune device',
  user: 'Assigned user',
  autopilot: 'Autopilot record',
  entra: 'Entra object',
};

export function offboard(id: string): Promise<OffboardReport> {
  return graph<OffboardReport>(deviceActionPath(id, 'offboard'), { method: 'POST' });
}

export function deleteDevice(id: string): Promise<null> {
  return graph<null>(deviceActionPath(id), { method: 'DELETE' });
}

export function updateDeviceProperties(id: string, patch: { groupTag?: string; displayName?: string }): Promise<null> {
  return graph<null>(deviceActionPath(id, 'updateDeviceProperties'), { method: 'POST', body: patch });
}

export function assignUser(id: string, userPrincipalName: string, addressableUserName: string): Promise<null> {
  return graph<null>(deviceActionPath(id, 'assignUserToDevice'), { method: 'POST', body: { userPrincipalName, addressableUserName } });
}

export function unassignUser(id: string): Promise<null> {
  return graph<null>(deviceActionPath(id, 'unassignUserFromDevice'), { method: 'POST' });
}
