// The partner's side of Partner Center, from the command line (online, as the partner's app, with a token for the
// Partner Center API): `tarmac partner upload|batches|devices|delete|status`.
//
// upload reads any CSV the toolkit reads — Partner Center's own header (Device Serial Number, Windows Product ID,
// Hardware Hash, Manufacturer name, Device model) included — sends the devices 1000 per call (Partner Center's batch
// limit) to the named batch (created by the first call when it does not exist, as the PowerShell module and CIPP
// do), waits for every batch tracking id to finish, and prints one result per CSV line. Rows the CSV itself gets
// wrong are reported at their line and not sent (device-calls.ts does the reading, sending and following). Exit 1
// when any row failed or was not sent.
import type { CsvRecord } from '../../csv/index.js';
import type { ExitCode } from '../command-kit.js';
import { blockingUnless, reportDeviceCalls, runDeviceCalls } from '../device-calls.js';
import { CliUsageError, GraphRequestError, type GraphClient, type OnlineOptions } from '../graph-client.js';
import { runOnline } from '../online.js';
import type { Output } from '../output.js';

export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface PartnerCenterOptions extends OnlineOptions {
  customer: string;
  json?: boolean;
}

interface DeviceUploadDetails {
  deviceId?: string | null;
  serialNumber?: string | null;
  productKey?: string | null;
  status?: string;
  errorCode?: string | null;
  errorDescription?: string | null;
}

interface BatchUploadDetails {
  batchTrackingId?: string;
  status?: string;
  devicesStatus?: DeviceUploadDetails[];
}

interface PcCollection<T> {
  totalCount?: number;
  items?: T[];
  continuationToken?: string | null;
}

interface DeviceBatchJson {
  id: string;
  createdBy?: string;
  creationDate?: string;
  devicesCount?: number;
}

interface DeviceJson {
  id: string;
  serialNumber?: string | null;
  productKey?: string | null;
  oemManufacturerName?: string | null;
  modelName?: string | null;
  uploadedDate?: string;
  uploadedBy?: string;
  policies?: { key: string; value: string | null }[];
}

function runPartnerCenter(opts: OnlineOptions, body: (client: GraphClient, out: Output) => Promise<ExitCode>): Promise<ExitCode> {
  return runOnline(opts, body, { scope: PARTNER_CENTER_SCOPE });
}

/** The customer's tenant id: as given when it is one, else looked up by domain among the partner's customers. */
async function customerId(client: GraphClient, customer: string): Promise<string> {
  if (GUID.test(customer.trim())) return customer.trim().toLowerCase();
  const list = await client.get<PcCollection<{ id: string; companyProfile?: { domain?: string } }>>('/v1/customers');
  const wanted = customer.trim().toLowerCase();
  const match = (list.items ?? []).find((c) => c.companyProfile?.domain?.toLowerCase() === wanted);
  if (!match) {
    throw new CliUsageError(
      `No customer with domain ${customer} has a relationship with this partner. Give the customer's tenant id, or have its admin accept the invitation (tarmac partner accept).`,
    );
  }
  return match.id;
}


/** A row may name its device by tuple or product key ID instead of a hash. */
const blocking = blockingUnless(
  (record) => record.productKeyId !== '' || (record.serialNumber !== '' && (record.manufacturer ?? '') !== '' && (record.model ?? '') !== ''),
);

function deviceOf(record: CsvRecord): Record<string, string> {
  const device: Record<string, string> = {};
  const hash = record.decoded?.base64 ?? record.hardwareHash;
  if (hash !== '') device['hardwareHash'] = hash;
  if (record.serialNumber !== '') device['serialNumber'] = record.serialNumber;
  if (record.productKeyId !== '') device['productKey'] = record.productKeyId;
  if ((record.manufacturer ?? '') !== '') device['oemManufacturerName'] = record.manufacturer ?? '';
  if ((record.model ?? '') !== '') device['modelName'] = record.model ?? '';
  return device;
}

export interface PartnerUploadOptions extends PartnerCenterOptions {
  batch: string;
  timeout?: string;
}

export async function partnerUpload(file: string, opts: PartnerUploadOptions): Promise<ExitCode> {
  return runPartnerCenter(opts, async (client, out) => {
    const json = Boolean(opts.json);
    const batch = opts.batch.trim();
    if (batch === '') throw new CliUsageError('--batch must name the device batch (Partner Center\'s "device list" name).');
    const customer = await customerId(client, opts.customer);
    const base = `/v1/customers/${encodeURIComponent(customer)}/deviceBatches`;
    // The first call creates the batch unless it exists (names compare without case, as the PowerShell module does).
    const batches = await client.get<PcCollection<DeviceBatchJson>>(base);
    let exists = (batches.items ?? []).some((b) => b.id.toLowerCase() === batch.toLowerCase());
    const outcome = await runDeviceCalls(client, out, {
      file,
      json,
      timeout: opts.timeout,
      blocking,
      body: deviceOf,
      send: async (devices, headers) => {
        const res = exists
          ? await client.request('POST', `${base}/${encodeURIComponent(batch)}/devices`, { body: devices, headers })
          : await client.request('POST', base, { body: { batchId: batch, devices }, headers });
        exists = true;
        const location = res.headers.get('location');
        if (location === null) throw new CliUsageError(`Partner Center answered ${res.status} without a Location header; cannot follow the batch.`);
        return location;
      },
      statusPath: (location) => `/v1${location.startsWith('/') ? '' : '/'}${location}`,
      stillProcessing: (location) => `still processing; check with: tarmac partner status --customer ${customer} ${location.split('/').pop() ?? ''}`,
    });
    return reportDeviceCalls(out, json, 'registered', outcome, { file, customer, batch });
  });
}

export async function partnerBatches(opts: PartnerCenterOptions): Promise<ExitCode> {
  return runPartnerCenter(opts, async (client, out) => {
    const customer = await customerId(client, opts.customer);
    const list = await client.get<PcCollection<DeviceBatchJson>>(`/v1/customers/${encodeURIComponent(customer)}/deviceBatches`);
    const items = list.items ?? [];
    if (opts.json) {
      out.json(items);
      return 0;
    }
    if (items.length === 0) out.line('No device batches for this customer.');
    else out.table(['batch', 'devices', 'createdBy', 'created'], items.map((b) => [b.id, b.devicesCount ?? 0, b.createdBy ?? '', b.creationDate ?? '']));
    return 0;
  });
}

export interface PartnerDevicesOptions extends PartnerCenterOptions {
  batch: string;
}

export async function partnerDevices(opts: PartnerDevicesOptions): Promise<ExitCode> {
  return runPartnerCenter(opts, async (client, out) => {
    const customer = await customerId(client, opts.customer);
    const path = `/v1/customers/${encodeURIComponent(customer)}/deviceBatches/${encodeURIComponent(opts.batch)}/devices`;
    // Partner Center pages devices 100 at a time; the next page is asked for with MS-ContinuationToken.
    const devices: DeviceJson[] = [];
    let token: string | null | undefined;
    do {
      const res = await client.request<PcCollection<DeviceJson>>('GET', path, { headers: token ? { 'MS-ContinuationToken': token } : {} });
      devices.push(...(res.body.items ?? []));
      token = res.body.continuationToken;
    } while (token);
    if (opts.json) {
      out.json(devices);
      return 0;
    }
    if (devices.length === 0) out.line(`No devices in batch ${opts.batch}.`);
    else {
      out.table(
        ['id', 'serial', 'productKey', 'manufacturer', 'model', 'policy', 'uploaded', 'uploadedBy'],
        devices.map((d) => [
          d.id,
          d.serialNumber ?? '',
          d.productKey ?? '',
          d.oemManufacturerName ?? '',
          d.modelName ?? '',
          d.policies?.find((p) => p.key === 'o_o_b_e')?.value ?? '',
          d.uploadedDate ?? '',
          d.uploadedBy ?? '',
        ]),
      );
    }
    return 0;
  });
}

export interface PartnerDeleteOptions extends PartnerCenterOptions {
  batch: string;
}

export async function partnerDelete(deviceIds: string[], opts: PartnerDeleteOptions): Promise<ExitCode> {
  return runPartnerCenter(opts, async (client, out) => {
    const customer = await customerId(client, opts.customer);
    const results: { deviceId: string; deleted: boolean; error: string }[] = [];
    for (const id of deviceIds) {
      try {
        await client.delete(`/v1/customers/${encodeURIComponent(customer)}/deviceBatches/${encodeURIComponent(opts.batch)}/devices/${encodeURIComponent(id)}`);
        results.push({ deviceId: id, deleted: true, error: '' });
      } catch (err) {
        if (!(err instanceof GraphRequestError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
        results.push({ deviceId: id, deleted: false, error: `${err.code}: ${err.detail}` });
      }
    }
    const ok = results.every((r) => r.deleted);
    if (opts.json) out.json({ ok, results });
    else for (const r of results) out.line(r.deleted ? `${out.color.green('deleted')} ${r.deviceId} (its Autopilot registration only)` : `${out.color.red('not deleted')} ${r.deviceId}: ${r.error}`);
    return ok ? 0 : 1;
  });
}

export async function partnerStatus(trackingId: string, opts: PartnerCenterOptions): Promise<ExitCode> {
  return runPartnerCenter(opts, async (client, out) => {
    const customer = await customerId(client, opts.customer);
    const details = await client.get<BatchUploadDetails>(`/v1/customers/${encodeURIComponent(customer)}/batchJobStatus/${encodeURIComponent(trackingId)}`);
    const devices = details.devicesStatus ?? [];
    const failed = devices.filter((d) => d.status !== 'finished').length;
    if (opts.json) out.json(details);
    else {
      out.line(`batch ${details.batchTrackingId ?? trackingId}: ${details.status ?? 'unknown'} (${devices.length - failed} of ${devices.length} devices finished without errors)`);
      if (devices.length > 0) {
        out.table(
          ['serial', 'productKey', 'status', 'errorCode', 'errorDescription', 'deviceId'],
          devices.map((d) => [d.serialNumber ?? '', d.productKey ?? '', d.status ?? '', d.errorCode ?? '', d.errorDescription ?? '', d.deviceId ?? '']),
        );
      }
    }
    return details.status === 'finished' && failed === 0 ? 0 : 1;
  });
}
