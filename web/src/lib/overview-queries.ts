// The Overview's numbers, kept cheap at 100,000 devices: every count is one `$count=true&$top=1` call with a $filter
// (one per enum value), manufacturer/model is a bounded sample ($select over the first devices only), and nothing
// reads every device. Registrations per day count the Autopilot devices' Entra objects (physicalIds [ZTDID]) by
// registrationDateTime: Graph's imported identities carry no date.
import { graph, odataString, relative, type Page } from '../api/client';
import { listBatches, listCustomers } from './partners-api';

const AP_DEVICES = '/beta/deviceManagement/windowsAutopilotDeviceIdentities';
const IMPORTS = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities';

/** How many devices the manufacturer/model sample reads at most (two pages of 1,000). */
export const SAMPLE_LIMIT = 2000;
/** How many import rows the import-results chart reads at most. */
export const IMPORT_SAMPLE_LIMIT = 1000;
/** Days in the registrations chart. */
export const DAYS = 14;

/** The @odata.count of a collection under a filter, reading at most one row. */
export async function countOf(path: string, filter?: string): Promise<number> {
  const params = new URLSearchParams({ $count: 'true', $top: '1', $select: 'id' });
  if (filter !== undefined) params.set('$filter', filter);
  const page = await graph<Page<unknown>>(`${path}?${params.toString()}`);
  return page['@odata.count'] ?? page.value.length;
}

export interface Slice {
  key: string;
  label: string;
  count: number;
}

export const ENROLLMENT_STATES: [string, string][] = [
  ['enrolled', 'Enrolled'],
  ['notContacted', 'Not contacted'],
  ['pendingReset', 'Pending reset'],
  ['failed', 'Failed'],
  ['blocked', 'Blocked'],
  ['unknown', 'Unknown'],
];

/** Intune's words for the profile status (console reference A.3). */
export const PROFILE_STATUSES: [string, string][] = [
  ['assignedInSync', 'Assigned'],
  ['assignedUnkownSyncState', 'Assigned (not yet downloaded)'],
  ['assignedOutOfSync', 'Assigned (out of sync)'],
  ['pending', 'Assigning'],
  ['notAssigned', 'Not assigned'],
  ['failed', 'Failed'],
  ['unknown', 'Unknown'],
];

async function enumCounts(property: string, values: [string, string][]): Promise<Slice[]> {
  return Promise.all(values.map(async ([key, label]) => ({ key, label, count: await countOf(AP_DEVICES, `${property} eq ${odataString(key)}`) })));
}

export interface CustomerSummary {
  devices: number;
  profiles: number;
  groups: number;
}

export async function customerSummary(): Promise<CustomerSummary> {
  const [devices, profiles, groups] = await Promise.all([
    countOf(AP_DEVICES),
    countOf('/beta/deviceManagement/windowsAutopilotDeploymentProfiles'),
    countOf('/v1.0/groups'),
  ]);
  return { devices, profiles, groups };
}

export const enrollmentCounts = () => enumCounts('enrollmentState', ENROLLMENT_STATES);
export const profileStatusCounts = () => enumCounts('deploymentProfileAssignmentStatus', PROFILE_STATUSES);

export interface HardwareSample {
  /** Devices read (at most SAMPLE_LIMIT). */
  sampled: number;
  manufacturers: Slice[];
  models: Slice[];
}

/** Manufacturer and model over the first SAMPLE_LIMIT devices, most common first. */
export async function hardwareSample(): Promise<HardwareSample> {
  const rows: { manufacturer?: string | null; model?: string | null }[] = [];
  let next: string | undefined = `${AP_DEVICES}?$select=manufacturer,model&$top=1000`;
  while (next !== undefined && rows.length < SAMPLE_LIMIT) {
    const page: Page<{ manufacturer?: string | null; model?: string | null }> = await graph(next);
    rows.push(...page.value.slice(0, SAMPLE_LIMIT - rows.length));
    next = page['@odata.nextLink'] !== undefined ? relative(page['@odata.nextLink']) : undefined;
  }
  const tally = (key: (r: (typeof rows)[number]) => string): Slice[] => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(key(r), (counts.get(key(r)) ?? 0) + 1);
    return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([label, count]) => ({ key: label, label, count }));
  };
  const name = (s: string | null | undefined) => (s && s.trim() !== '' ? s.trim() : 'Not reported');
  // A model names its maker once: "HP EliteBook 840" rather than "HP HP EliteBook 840".
  const model = (r: (typeof rows)[number]) => {
    const maker = name(r.manufacturer);
    const m = name(r.model);
    return m.toLowerCase().startsWith(maker.toLowerCase()) ? m : `${maker} ${m}`;
  };
  return { sampled: rows.length, manufacturers: tally((r) => name(r.manufacturer)), models: tally(model) };
}

export interface DayCount {
  /** yyyy-mm-dd, local. */
  day: string;
  start: Date;
  count: number;
}

/** Autopilot devices registered per local day over the last DAYS days (their Entra objects' registrationDateTime). */
export async function registrationsPerDay(now = new Date()): Promise<DayCount[]> {
  const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const days = Array.from({ length: DAYS }, (_v, i) => new Date(today.getFullYear(), today.getMonth(), today.getDate() - (DAYS - 1 - i)));
  return Promise.all(
    days.map(async (start) => {
      const end = new Date(start.getFullYear(), start.getMonth(), start.getDate() + 1);
      const filter = `physicalIds/any(p:startswith(p,'[ZTDID]')) and registrationDateTime ge ${start.toISOString()} and registrationDateTime lt ${end.toISOString()}`;
      const day = `${start.getFullYear()}-${String(start.getMonth() + 1).padStart(2, '0')}-${String(start.getDate()).padStart(2, '0')}`;
      return { day, start, count: await countOf('/v1.0/devices', filter) };
    }),
  );
}

export interface ImportResults {
  sampled: number;
  slices: Slice[];
}

/** Import rows by outcome over the first IMPORT_SAMPLE_LIMIT rows (Graph cannot filter on state). */
export async function importResults(): Promise<ImportResults> {
  const page = await graph<Page<{ state?: { deviceImportStatus?: string } }>>(`${IMPORTS}?$select=id,state&$top=${IMPORT_SAMPLE_LIMIT}`);
  const labels: [string, string][] = [
    ['complete', 'Registered'],
    ['error', 'Failed'],
    ['unknown', 'Waiting'],
    ['pending', 'Waiting'],
    ['partial', 'Partly done'],
  ];
  const counts = new Map<string, number>();
  for (const row of page.value) {
    const status = row.state?.deviceImportStatus ?? 'unknown';
    const label = labels.find(([k]) => k === status)?.[1] ?? status;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return { sampled: page.value.length, slices: [...counts.entries()].map(([label, count]) => ({ key: label, label, count })) };
}

export interface PartnerSummary {
  customers: number;
  /** Customers whose batches were read (at most PARTNER_CUSTOMER_LIMIT). */
  customersRead: number;
  batches: number;
  devices: number;
  perCustomer: Slice[];
}

export const PARTNER_CUSTOMER_LIMIT = 50;

export async function partnerSummary(): Promise<PartnerSummary> {
  const customers = await listCustomers();
  const read = customers.slice(0, PARTNER_CUSTOMER_LIMIT);
  const perCustomer = await Promise.all(
    read.map(async (c) => {
      const batches = await listBatches(c.id);
      return { name: c.companyProfile.companyName, batches: batches.length, devices: batches.reduce((n, b) => n + b.devicesCount, 0) };
    }),
  );
  return {
    customers: customers.length,
    customersRead: read.length,
    batches: perCustomer.reduce((n, c) => n + c.batches, 0),
    devices: perCustomer.reduce((n, c) => n + c.devices, 0),
    perCustomer: perCustomer.map((c) => ({ key: c.name, label: c.name, count: c.devices })).sort((a, b) => b.count - a.count),
  };
}
