// What `tarmac partner upload`, `tarmac oem register` and `tarmac oem deregister` share: read a device CSV (rows the
// CSV itself gets wrong are reported at their line and not sent), send the rest 1000 a call (Partner Center's limit;
// each call with its own MS-RequestId, so a retried call is not submitted twice), follow every call's tracking id
// (its Location) until it is finished, and report one result per CSV line. Devices come back in the order sent.
import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { readCsv, type CsvDiagnostic, type CsvRecord } from '../csv/index.js';
import type { ExitCode } from './command-kit.js';
import { CliUsageError, GraphRequestError, type GraphClient } from './graph-client.js';
import { IMPORT_ERROR_HELP } from './online.js';
import type { Output } from './output.js';
import { progressReporter } from './progress.js';

/** Devices per call (Partner Center's batch limit, and the OEM API's). */
export const DEVICES_PER_CALL = 1000;

export type RowStatus = 'done' | 'failed' | 'invalid' | 'pending';

export interface DeviceRowResult {
  line: number;
  serialNumber: string;
  productKey: string;
  status: RowStatus;
  errorCode: string;
  errorDescription: string;
  deviceId: string;
  message: string;
}

/** A device's outcome as Partner Center's BatchUploadDetails (and the OEM API's status) report it. */
interface DeviceStatus {
  deviceId?: string | null;
  status?: string;
  errorCode?: string | null;
  errorDescription?: string | null;
  errorMessage?: string | null;
}

export interface JobDetails {
  status?: string;
  devicesStatus?: DeviceStatus[];
}

export interface DeviceCallsPlan<B> {
  file: string;
  json: boolean;
  timeout: string | undefined;
  /** The error that keeps a row from being sent, if any. */
  blocking(record: CsvRecord): CsvDiagnostic | undefined;
  /** The row as the API's device object. */
  body(record: CsvRecord): B;
  /** Sends one call's devices; resolves with its Location (the tracking id's status). */
  send(devices: B[], headers: Record<string, string>): Promise<string>;
  /** The path to GET a Location's status at. */
  statusPath(location: string): string;
  /** What a row still processing at the deadline says. */
  stillProcessing(location: string): string;
}

export interface DeviceCallsOutcome {
  results: DeviceRowResult[];
  locations: string[];
  fileDiagnostics: readonly CsvDiagnostic[];
  /** No error in the file, at least one row, and every row done. */
  ok: boolean;
}

/** Errors the toolkit raises for a missing hash, which a row naming its device by tuple or PKID does not need. */
const HASH_OPTIONAL = new Set(['EmptyHardwareHash', 'MissingColumns']);

/** A row's blocking error, a missing hash excused when `excuse(record)` says the row names its device otherwise. */
export function blockingUnless(excuse: (record: CsvRecord) => boolean): (record: CsvRecord) => CsvDiagnostic | undefined {
  return (record) => {
    const excused = record.hardwareHash.trim() === '' && excuse(record);
    return record.diagnostics.find((d) => d.severity === 'error' && !(excused && HASH_OPTIONAL.has(d.code)));
  };
}

export async function runDeviceCalls<B>(client: GraphClient, out: Output, plan: DeviceCallsPlan<B>): Promise<DeviceCallsOutcome> {
  const timeoutSeconds = plan.timeout === undefined ? 900 : Number(plan.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) throw new CliUsageError(`--timeout must be a number of seconds (got '${plan.timeout}').`);
  if (plan.file !== '-') {
    try {
      await access(plan.file);
    } catch {
      throw new CliUsageError(`Cannot read ${plan.file}: no such file, or no permission to read it.`);
    }
  }
  const progress = progressReporter(out, plan.json);

  // 1. Read the CSV: rows with errors are reported at their line and not sent.
  const reader = readCsv(plan.file === '-' ? process.stdin : plan.file, { maxRows: Number.MAX_SAFE_INTEGER });
  const results: DeviceRowResult[] = [];
  const toSend: { body: B; result: DeviceRowResult }[] = [];
  for await (const record of reader) {
    const result: DeviceRowResult = {
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
    const bad = plan.blocking(record);
    if (bad) Object.assign(result, { status: 'invalid', errorCode: bad.msCode === undefined ? '' : String(bad.msCode), errorDescription: bad.code, message: `${bad.message} ${bad.hint}`.trim() });
    else toSend.push({ body: plan.body(record), result });
  }
  const fileDiagnostics = reader.diagnostics;
  const fileErrors = fileDiagnostics.filter((d) => d.severity === 'error');
  progress.note(`${plan.file}: ${results.length} row${results.length === 1 ? '' : 's'}, ${toSend.length} to send, ${results.length - toSend.length} with errors (not sent).`);

  // 2. Send DEVICES_PER_CALL a call; a call the server refuses as a whole fails its rows with its reason.
  const jobs: { location: string; rows: DeviceRowResult[] }[] = [];
  for (let start = 0; start < toSend.length; start += DEVICES_PER_CALL) {
    const chunk = toSend.slice(start, start + DEVICES_PER_CALL);
    progress.update(start, toSend.length, 'sent');
    try {
      const location = await plan.send(
        chunk.map((c) => c.body),
        { 'MS-RequestId': randomUUID(), 'MS-CorrelationId': randomUUID() },
      );
      jobs.push({ location, rows: chunk.map((c) => c.result) });
    } catch (err) {
      if (!(err instanceof GraphRequestError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
      for (const c of chunk) Object.assign(c.result, { status: 'failed', errorCode: err.code, message: err.detail });
    }
  }
  progress.update(toSend.length, toSend.length, 'sent');

  // 3. Follow every tracking id until it is finished (or the deadline).
  const deadline = Date.now() + timeoutSeconds * 1000;
  let processed = 0;
  for (const job of jobs) {
    let details: JobDetails = {};
    for (let delay = 200; ; delay = Math.min(delay * 2, 2000)) {
      details = await client.get<JobDetails>(plan.statusPath(job.location));
      if (details.status === 'finished' || details.status === 'finished_with_errors' || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
    const statuses = details.devicesStatus ?? [];
    job.rows.forEach((row, i) => {
      const s = statuses[i];
      if (!s || s.status === 'queued' || s.status === 'processing') {
        row.message = plan.stillProcessing(job.location);
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
  const ok = fileErrors.length === 0 && results.length > 0 && results.every((r) => r.status === 'done');
  return { results, locations: jobs.map((j) => j.location), fileDiagnostics, ok };
}

/** Prints the outcome, one result per CSV line (`done` named as the command says it: registered, deregistered). */
export function reportDeviceCalls(out: Output, json: boolean, done: string, outcome: DeviceCallsOutcome, extra: Record<string, unknown>): ExitCode {
  const { results, ok } = outcome;
  const count = (s: RowStatus): number => results.filter((r) => r.status === s).length;
  const named = (r: DeviceRowResult): string => (r.status === 'done' ? done : r.status);
  const summary = { rows: results.length, [done]: count('done'), failed: count('failed'), invalid: count('invalid'), pending: count('pending') };
  if (json) {
    out.json({
      ...extra,
      ok,
      summary,
      trackingIds: outcome.locations.map((l) => l.split('/').pop()),
      fileDiagnostics: outcome.fileDiagnostics.map((d) => ({ line: d.line, code: d.code, severity: d.severity, message: d.message, hint: d.hint })),
      rows: results.map((r) => ({ ...r, status: named(r) })),
    });
    return ok ? 0 : 1;
  }
  for (const d of outcome.fileDiagnostics.filter((x) => x.severity === 'error')) out.line(`${out.color.red('error')} line ${d.line}: ${d.code}: ${d.message} ${d.hint}`.trimEnd());
  if (results.length > 0) {
    const colored = (r: DeviceRowResult): string => (r.status === 'done' ? out.color.green(done) : r.status === 'pending' ? out.color.yellow(r.status) : out.color.red(r.status));
    out.table(
      ['line', 'serial', 'productKey', 'status', 'errorCode', 'errorDescription', 'deviceId'],
      results.map((r) => [r.line, r.serialNumber, r.productKey, colored(r), r.errorCode, r.errorDescription, r.deviceId]),
    );
  }
  for (const r of results) if (r.status !== 'done' && r.message !== '') out.line(`line ${r.line}: ${r.errorDescription ? `${r.errorDescription}: ` : ''}${r.message}`);
  const parts = [`${count('done')} ${done}`, `${count('failed')} failed`, `${count('invalid')} not sent (errors in the CSV)`];
  if (count('pending') > 0) parts.push(`${count('pending')} still processing`);
  out.line(ok ? out.color.green(parts[0] ?? '') : out.color.red(parts.join(', ')));
  if (results.length === 0 && outcome.fileDiagnostics.every((d) => d.severity !== 'error')) out.line('The CSV has no device rows.');
  return ok ? 0 : 1;
}
