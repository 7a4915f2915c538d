// The OEM's side, from the command line (online, as the OEM's app, with a Partner Center–audience token):
// `tarmac oem register --customer <tenant> <csv>` and `tarmac oem deregister <csv>` call Tarmac's OEM API
// (/oem/v1/AutopilotDeviceRegistration), 1000 devices a call, follow every tracking id until it is finished, and print
// one result per CSV line. A deregistration is the same call with the tenant left blank. Exit 1 when any row failed
// or was not sent.
import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { readCsv, type CsvDiagnostic, type CsvRecord } from '../../csv/index.js';
import type { ExitCode } from '../command-kit.js';
import { CliUsageError, GraphRequestError, type OnlineOptions } from '../graph-client.js';
import { IMPORT_ERROR_HELP, runOnline } from '../online.js';
import { progressReporter } from '../progress.js';
import { PARTNER_BATCH_LIMIT, PARTNER_CENTER_SCOPE } from './partner-center.js';

const REGISTRATION = '/oem/v1/AutopilotDeviceRegistration';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface OemOptions extends OnlineOptions {
  json?: boolean;
  timeout?: string;
}

export interface OemRegisterOptions extends OemOptions {
  customer: string;
  groupTag?: string;
}

interface DeviceStatus {
  deviceId?: string | null;
  status?: string;
  errorCode?: string | null;
  errorDescription?: string | null;
  errorMessage?: string | null;
}

type RowStatus = 'done' | 'failed' | 'invalid' | 'pending';

export interface OemRowResult {
  line: number;
  serialNumber: string;
  productKey: string;
  status: RowStatus;
  errorCode: string;
  errorDescription: string;
  deviceId: string;
  message: string;
}

/** The toolkit's missing-hash errors do not count: the OEM API identifies devices by tuple or PKID. */
const HASH_OPTIONAL = new Set(['EmptyHardwareHash', 'MissingColumns']);

function blocking(record: CsvRecord): CsvDiagnostic | undefined {
  return record.diagnostics.find((d) => d.severity === 'error' && !HASH_OPTIONAL.has(d.code));
}

export function oemRegister(file: string, opts: OemRegisterOptions): Promise<ExitCode> {
  const customer = opts.customer.trim();
  const tenant = GUID.test(customer) ? { TenantID: customer.toLowerCase(), TenantDomain: '' } : { TenantID: '', TenantDomain: customer };
  return submit(file, opts, 'registered', (record) => {
    if (customer === '') throw new CliUsageError("--customer must name the customer (its tenant id or domain); `tarmac oem deregister` is the call without one.");
    return { ...tenant, GroupTag: opts.groupTag ?? record.groupTag };
  });
}

export function oemDeregister(file: string, opts: OemOptions): Promise<ExitCode> {
  return submit(file, opts, 'deregistered', () => ({ TenantID: '', TenantDomain: '' }));
}

async function submit(file: string, opts: OemOptions, done: 'registered' | 'deregistered', extra: (record: CsvRecord) => Record<string, string>): Promise<ExitCode> {
  return runOnline(
    opts,
    async (client, out) => {
      const json = Boolean(opts.json);
      const timeoutSeconds = opts.timeout === undefined ? 900 : Number(opts.timeout);
      if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new CliUsageError(`--timeout must be a number of seconds (got '${opts.timeout}').`);
      if (file !== '-') {
        try {
          await access(file);
        } catch {
          throw new CliUsageError(`Cannot read ${file}: no such file, or no permission to read it.`);
        }
      }
      const progress = progressReporter(out, json);
      const reader = readCsv(file === '-' ? process.stdin : file, { maxRows: Number.MAX_SAFE_INTEGER });
      const results: OemRowResult[] = [];
      const toSend: { body: Record<string, string>; result: OemRowResult }[] = [];
      for await (const record of reader) {
        const result: OemRowResult = {
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
        if (bad) {
          Object.assign(result, { status: 'invalid', errorCode: bad.msCode === undefined ? '' : String(bad.msCode), errorDescription: bad.code, message: `${bad.message} ${bad.hint}`.trim() });
          continue;
        }
        toSend.push({
          result,
          body: {
            ...extra(record),
            SerialNumber: record.serialNumber,
            Manufacturer: record.manufacturer ?? '',
            Model: record.model ?? '',
            ProductKey: record.productKeyId,
            HardwareHash: record.decoded?.base64 ?? record.hardwareHash,
          },
        });
      }
      const fileErrors = reader.diagnostics.filter((d) => d.severity === 'error');
      progress.note(`${file}: ${results.length} row${results.length === 1 ? '' : 's'}, ${toSend.length} to send, ${results.length - toSend.length} with errors (not sent).`);

      const jobs: { location: string; rows: OemRowResult[] }[] = [];
      for (let start = 0; start < toSend.length; start += PARTNER_BATCH_LIMIT) {
        const chunk = toSend.slice(start, start + PARTNER_BATCH_LIMIT);
        progress.update(start, toSend.length, 'sent');
        try {
          const res = await client.request('POST', REGISTRATION, { body: { devices: chunk.map((c) => c.body) }, headers: { 'MS-RequestId': randomUUID() } });
          const location = res.headers.get('location');
          if (location === null) throw new CliUsageError(`The OEM API answered ${res.status} without a Location header; cannot follow the call.`);
          jobs.push({ location, rows: chunk.map((c) => c.result) });
        } catch (err) {
          if (!(err instanceof GraphRequestError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
          for (const c of chunk) Object.assign(c.result, { status: 'failed', errorCode: err.code, message: err.detail });
        }
      }
      progress.update(toSend.length, toSend.length, 'sent');

      const deadline = Date.now() + timeoutSeconds * 1000;
      let processed = 0;
      for (const job of jobs) {
        let details: { status?: string; devicesStatus?: DeviceStatus[] } = {};
        for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
          details = await client.get(job.location);
          if (details.status === 'finished' || details.status === 'finished_with_errors' || Date.now() > deadline) break;
          await new Promise((resolve) => setTimeout(resolve, delay));
        }
        const statuses = details.devicesStatus ?? [];
        job.rows.forEach((row, i) => {
          const s = statuses[i];
          if (!s || s.status === 'queued' || s.status === 'processing') {
            row.message = `still processing; check GET ${job.location}`;
            return;
          }
          const ok = s.status === 'finished';
          Object.assign(row, {
            status: ok ? 'done' : 'failed',
            deviceId: s.deviceId ?? '',
            errorCode: s.errorCode ?? '',
            errorDescription: s.errorDescription ?? '',
            message: ok ? '' : (s.errorMessage ?? IMPORT_ERROR_HELP[s.errorDescription ?? ''] ?? ''),
          });
        });
        processed += job.rows.length;
        progress.update(processed, toSend.length, 'processed');
      }
      progress.stop();

      const count = (s: RowStatus): number => results.filter((r) => r.status === s).length;
      const summary = { rows: results.length, [done]: count('done'), failed: count('failed'), invalid: count('invalid'), pending: count('pending') };
      const ok = fileErrors.length === 0 && results.length > 0 && count('done') === results.length;
      if (json) {
        out.json({ file, ok, summary, trackingIds: jobs.map((j) => j.location.split('/').pop()), rows: results.map((r) => ({ ...r, status: r.status === 'done' ? done : r.status })) });
        return ok ? 0 : 1;
      }
      for (const d of fileErrors) out.line(`${out.color.red('error')} line ${d.line}: ${d.code}: ${d.message} ${d.hint}`.trimEnd());
      if (results.length > 0) {
        out.table(
          ['line', 'serial', 'productKey', 'status', 'errorCode', 'errorDescription', 'deviceId'],
          results.map((r) => [r.line, r.serialNumber, r.productKey, r.status === 'done' ? out.color.green(done) : out.color.red(r.status), r.errorCode, r.errorDescription, r.deviceId]),
        );
      }
      for (const r of results) if (r.status !== 'done' && r.message !== '') out.line(`line ${r.line}: ${r.errorDescription ? `${r.errorDescription}: ` : ''}${r.message}`);
      out.line(ok ? out.color.green(`${count('done')} ${done}`) : out.color.red(`${count('done')} ${done}, ${count('failed')} failed, ${count('invalid')} not sent (errors in the CSV)`));
      return ok ? 0 : 1;
    },
    { scope: PARTNER_CENTER_SCOPE },
  );
}
