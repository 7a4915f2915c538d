// The partner's side of Partner Center, from the command line (online, as the partner's app, with a token for the
// Partner Center API): `tarmac partner upload|batches|devices|delete|status`.
//
// upload reads any CSV the toolkit reads — Partner Center's own header (Device Serial Number, Windows Product ID,
// Hardware Hash, Manufacturer name, Device model) included — sends the devices 1000 per call (Partner Center's batch
// limit) to the named batch (created by the first call when it does not exist, as the PowerShell module and CIPP
// do), waits for every batch tracking id to finish, and prints one result per CSV line. Rows the CSV itself gets
// wrong are reported at their line and not sent. Exit 1 when any row failed or was not sent.
import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { readCsv, type CsvDiagnostic, type CsvRecord } from '../../csv/index.js';
import type { ExitCode } from '../command-kit.js';
import { CliUsageError, GraphRequestError, type GraphClient, type OnlineOptions } from '../graph-client.js';
import { IMPORT_ERROR_HELP, runOnline } from '../online.js';
import type { Output } from '../output.js';
import { progressReporter } from '../progress.js';

export const PARTNER_CENTER_SCOPE = 'https://api.partnercenter.microsoft.com/.default';
/** Devices per Partner Center call. */
export const PARTNER_BATCH_LIMIT = 1000;

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

/** Polls a batch tracking id (a Location header) until Partner Center says it is done. */
export async function awaitJob(client: GraphClient, location: string, deadline: number): Promise<BatchUploadDetails> {
  let delay = 200;
  for (;;) {
    const details = await client.get<BatchUploadDetails>(`/v1${location.startsWith('/') ? '' : '/'}${location}`);
    if (details.status === 'finished' || details.status === 'finished_with_errors') return details;
    if (Date.now() > deadline) return details;
    await new Promise((resolve) => setTimeout(resolve, delay));
    delay = Math.min(delay * 2, 2000);
  }
}

type RowStatus = 'registered' | 'failed' | 'invalid' | 'pending';

export interface PartnerRowResult {
  line: number;
  serialNumber: string;
  productKey: string;
  status: RowStatus;
  errorCode: string;
  errorDescription: string;
  deviceId: string;
  message: string;
}

/** Errors the toolkit raises for a missing hash: a partner may register by tuple or product key ID alone. */
const HASH_OPTIONAL = new Set(['EmptyHardwareHash', 'MissingColumns']);

function blocking(record: CsvRecord): CsvDiagnostic | undefined {
  const withoutHash = record.hardwareHash.trim() === '';
  const tupleOrPkid = record.productKeyId !== '' || (record.serialNumber !== '' && (record.manufacturer ?? '') !== '' && (record.model ?? '') !== '');
  return record.diagnostics.find((d) => d.severity === 'error' && !(withoutHash && tupleOrPkid && HASH_OPTIONAL.has(d.code)));
}

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
    const timeoutSeconds = opts.timeout === undefined ? 900 : Number(opts.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new CliUsageError(`--timeout must be a number of seconds (got '${opts.timeout}').`);
    if (opts.batch.trim() === '') throw new CliUsageError('--batch must name the device batch (Partner Center\'s "device list" name).');
    if (file !== '-') {
      try {
        await access(file);
      } catch {
        throw new CliUsageError(`Cannot read ${file}: no such file, or no permission to read it.`);
      }
    }
    const progress = progressReporter(out, json);
    const customer = await customerId(client, opts.customer);

    // 1. Read the CSV: rows with errors are reported at their line and not sent.
    const reader = readCsv(file === '-' ? process.stdin : file, { maxRows: Number.MAX_SAFE_INTEGER });
    const results: PartnerRowResult[] = [];
    const toSend: { record: CsvRecord; result: PartnerRowResult }[] = [];
    for await (const record of reader) {
      const result: PartnerRowResult = {
        line: record.line,
        serialNumber: record.serialNumber,
        productKey: record.productKeyId,
        status: 'pending',
        errorCode: '',
        errorDescription: '',
        deviceId: '',
        message: '',
      };
      results.push(result);
      const bad = blocking(record);
      if (bad) Object.assign(result, { status: 'invalid', errorCode: bad.msCode === undefined ? '' : String(bad.msCode), errorDescription: bad.code, message: `${bad.message} ${bad.hint}`.trim() });
      else toSend.push({ record, result });
    }
    const fileErrors = reader.diagnostics.filter((d) => d.severity === 'error');
    progress.note(`${file}: ${results.length} row${results.length === 1 ? '' : 's'}, ${toSend.length} to send, ${results.length - toSend.length} with errors (not sent).`);

    // 2. Send 1000 per call: the first call creates the batch unless it exists (names compare without case).
    const base = `/v1/customers/${encodeURIComponent(customer)}/deviceBatches`;
    const batches = await client.get<PcCollection<DeviceBatchJson>>(base);
    let exists = (batches.items ?? []).some((b) => b.id.toLowerCase() === opts.batch.trim().toLowerCase());
    const jobs: { location: string; rows: PartnerRowResult[] }[] = [];
    for (let start = 0; start < toSend.length; start += PARTNER_BATCH_LIMIT) {
      const chunk = toSend.slice(start, start + PARTNER_BATCH_LIMIT);
      progress.update(start, toSend.length, 'sent');
      const devices = chunk.map((c) => deviceOf(c.record));
      // One MS-RequestId per logical call: a retry after a timeout or a 503 does not submit the devices twice.
      const headers = { 'MS-RequestId': randomUUID(), 'MS-CorrelationId': randomUUID() };
      try {
        const res = exists
          ? await client.request('POST', `${base}/${encodeURIComponent(opts.batch.trim())}/devices`, { body: devices, headers })
          : await client.request('POST', base, { body: { batchId: opts.batch.trim(), devices }, headers });
        exists = true;
        const location = res.headers.get('location');
        if (location === null) throw new CliUsageError(`Partner Center answered ${res.status} without a Location header; cannot follow the batch.`);
        jobs.push({ location, rows: chunk.map((c) => c.result) });
      } catch (err) {
        if (!(err instanceof GraphRequestError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
        for (const c of chunk) Object.assign(c.result, { status: 'failed', errorCode: err.code, message: err.detail });
      }
    }
    progress.update(toSend.length, toSend.length, 'sent');

    // 3. Follow every tracking id until it is finished; devicesStatus lists the devices in the order sent.
    const deadline = Date.now() + timeoutSeconds * 1000;
    let processed = 0;
    for (const job of jobs) {
      const details = await awaitJob(client, job.location, deadline);
      const statuses = details.devicesStatus ?? [];
      job.rows.forEach((row, i) => {
        const s = statuses[i];
        if (!s || s.status === 'queued' || s.status === 'processing') {
          row.message = `still processing; check with: tarmac partner status --customer ${customer} ${job.location.split('/').pop() ?? ''}`;
          return;
        }
        const ok = s.status === 'finished';
        Object.assign(row, {
          status: ok ? 'registered' : 'failed',
          deviceId: s.deviceId ?? '',
          errorCode: s.errorCode ?? '',
          errorDescription: s.errorDescription ?? '',
          message: ok ? '' : (IMPORT_ERROR_HELP[s.errorDescription ?? ''] ?? ''),
        });
      });
      processed += job.rows.length;
      progress.update(processed, toSend.length, 'processed');
    }
    progress.stop();

    // 4. One result per CSV line.
    const count = (s: RowStatus): number => results.filter((r) => r.status === s).length;
    const summary = { rows: results.length, registered: count('registered'), failed: count('failed'), invalid: count('invalid'), pending: count('pending') };
    const ok = fileErrors.length === 0 && results.length > 0 && summary.registered === results.length;
    if (json) {
      out.json({
        file,
        customer,
        batch: opts.batch.trim(),
        ok,
        summary,
        trackingIds: jobs.map((j) => j.location.split('/').pop()),
        fileDiagnostics: reader.diagnostics.map((d) => ({ line: d.line, code: d.code, severity: d.severity, message: d.message, hint: d.hint })),
        rows: results,
      });
      return ok ? 0 : 1;
    }
    for (const d of fileErrors) out.line(`${out.color.red('error')} line ${d.line}: ${d.code}: ${d.message} ${d.hint}`.trimEnd());
    if (results.length > 0) {
      const status = (r: PartnerRowResult): string =>
        r.status === 'registered' ? out.color.green(r.status) : r.status === 'pending' ? out.color.yellow(r.status) : out.color.red(r.status);
      out.table(
        ['line', 'serial', 'productKey', 'status', 'errorCode', 'errorDescription', 'deviceId'],
        results.map((r) => [r.line, r.serialNumber, r.productKey, status(r), r.errorCode, r.errorDescription, r.deviceId]),
      );
    }
    for (const r of results) if (r.status !== 'registered' && r.message !== '') out.line(`line ${r.line}: ${r.errorDescription ? `${r.errorDescription}: ` : ''}${r.message}`);
    const parts = [`${summary.registered} registered`, `${summary.failed} failed`, `${summary.invalid} not sent (errors in the CSV)`];
    if (summary.pending > 0) parts.push(`${summary.pending} still processing`);
    out.line(ok ? out.color.green(parts[0] ?? '') : out.color.red(parts.join(', ')));
    if (results.length === 0 && fileErrors.length === 0) out.line('The CSV has no device rows.');
    return ok ? 0 : 1;
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
