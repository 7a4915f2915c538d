// `tarmac import <csv>`: import an Autopilot CSV through the Graph API, as Intune's "Import" button and
// WindowsAutopilotIntune's Import-AutopilotCSV do — read the CSV (rows with errors are reported by line and not
// sent), POST …/importedWindowsAutopilotDeviceIdentities/import in chunks of 500 (Intune's per-upload limit, ~2 MB
// of hashes per request), poll the imported identities until each is `complete` or `error`, print one row per CSV
// line, and delete the imported-identity records (the module does too: they are only a receipt). Exit 1 if any row
// failed or was not sent.
import { randomUUID } from 'node:crypto';
import { access } from 'node:fs/promises';
import { readCsv, type CsvDiagnostic, type CsvRecord } from '../../csv/index.js';
import { CliUsageError, GraphRequestError, mapLimit, odataString, type GraphClient, type OnlineOptions } from '../graph-client.js';
import type { ExitCode } from '../command-kit.js';
import { IMPORT_ERROR_HELP, runOnline } from '../online.js';
import { progressReporter } from '../progress.js';

export const IMPORT_CHUNK = 500;
const IMPORTS = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities';

export interface ImportOptions extends OnlineOptions {
  groupTag?: string;
  json?: boolean;
  keep?: boolean;
  timeout?: string;
}

type RowStatus = 'complete' | 'error' | 'invalid' | 'pending';

export interface ImportRowResult {
  line: number;
  serialNumber: string;
  status: RowStatus;
  deviceErrorCode: number | null;
  deviceErrorName: string;
  deviceRegistrationId: string;
  importedDeviceId: string;
  message: string;
}

interface ImportedJson {
  id: string;
  serialNumber?: string;
  state?: { deviceImportStatus?: string; deviceRegistrationId?: string; deviceErrorCode?: number; deviceErrorName?: string };
}

const DONE = new Set(['complete', 'error']);

function firstError(diagnostics: readonly CsvDiagnostic[]): CsvDiagnostic | undefined {
  return diagnostics.find((d) => d.severity === 'error');
}

function itemOf(record: CsvRecord, importId: string, groupTag: string | undefined): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
    importId,
    serialNumber: record.serialNumber,
    productKey: record.productKeyId,
    hardwareIdentifier: record.decoded?.base64 ?? record.hardwareHash,
    groupTag: groupTag ?? record.groupTag,
    assignedUserPrincipalName: record.assignedUser,
    state: { deviceImportStatus: 'pending', deviceRegistrationId: '', deviceErrorCode: 0, deviceErrorName: '' },
  };
}

/** The state of every imported identity of this import: one list by importId, or one GET each if filtering fails. */
async function pollStates(client: GraphClient, importId: string, ids: string[]): Promise<Map<string, ImportedJson>> {
  try {
    const rows = await client.list<ImportedJson>(`${IMPORTS}?$filter=${encodeURIComponent(`importId eq ${odataString(importId)}`)}&$top=1000`);
    const map = new Map(rows.map((r) => [r.id, r]));
    if (ids.every((id) => map.has(id))) return map;
  } catch (err) {
    if (!(err instanceof GraphRequestError) || err.status !== 400) throw err;
  }
  const rows = await mapLimit(ids, 8, (id) => client.get<ImportedJson>(`${IMPORTS}/${encodeURIComponent(id)}`));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function importCsv(file: string, opts: ImportOptions): Promise<ExitCode> {
  return runOnline(opts, async (client, out) => {
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

    // 1. Read the CSV: valid rows are sent, rows with errors are reported at their line.
    const reader = readCsv(file === '-' ? process.stdin : file, { maxRows: Number.MAX_SAFE_INTEGER });
    const results: ImportRowResult[] = [];
    const toSend: { record: CsvRecord; result: ImportRowResult }[] = [];
    for await (const record of reader) {
      const result: ImportRowResult = {
        line: record.line,
        serialNumber: record.serialNumber,
        status: 'pending',
        deviceErrorCode: null,
        deviceErrorName: '',
        deviceRegistrationId: '',
        importedDeviceId: '',
        message: '',
      };
      results.push(result);
      const bad = record.valid ? undefined : firstError(record.diagnostics);
      if (bad) {
        Object.assign(result, { status: 'invalid', deviceErrorCode: bad.msCode ?? null, deviceErrorName: bad.code, message: `${bad.message} ${bad.hint}`.trim() });
      } else {
        toSend.push({ record, result });
      }
    }
    const fileErrors = reader.diagnostics.filter((d) => d.severity === 'error');
    progress.note(`${file}: ${results.length} row${results.length === 1 ? '' : 's'}, ${toSend.length} to import, ${results.length - toSend.length} with errors (not sent).`);

    // 2. Send in chunks; remember which CSV row each imported identity belongs to.
    const importId = randomUUID();
    const byImportedId = new Map<string, ImportRowResult>();
    for (let start = 0; start < toSend.length; start += IMPORT_CHUNK) {
      const chunk = toSend.slice(start, start + IMPORT_CHUNK);
      progress.update(start, toSend.length, 'sent');
      try {
        const answer = await client.post<{ value?: ImportedJson[] }>(`${IMPORTS}/import`, {
          importedWindowsAutopilotDeviceIdentities: chunk.map((c) => itemOf(c.record, importId, opts.groupTag)),
        });
        const value = answer.value ?? [];
        chunk.forEach((c, i) => {
          const imported = value[i];
          if (!imported) {
            Object.assign(c.result, { status: 'error', message: 'The server returned no imported identity for this row.' });
            return;
          }
          c.result.importedDeviceId = imported.id;
          byImportedId.set(imported.id, c.result);
        });
      } catch (err) {
        if (!(err instanceof GraphRequestError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
        // The server refused this chunk as a whole (e.g. a field it cannot read): its rows fail with that reason.
        for (const c of chunk) Object.assign(c.result, { status: 'error', deviceErrorName: err.code, message: err.detail });
      }
    }
    progress.update(toSend.length, toSend.length, 'sent');

    // 3. Poll until every imported identity is complete or error (or the timeout).
    const deadline = Date.now() + timeoutSeconds * 1000;
    let pending = [...byImportedId.keys()];
    let delay = 200;
    while (pending.length > 0) {
      const states = await pollStates(client, importId, pending);
      for (const id of pending) {
        const state = states.get(id)?.state;
        const result = byImportedId.get(id);
        if (!state || !result || !DONE.has(state.deviceImportStatus ?? '')) continue;
        result.status = state.deviceImportStatus === 'complete' ? 'complete' : 'error';
        result.deviceErrorCode = state.deviceErrorCode ?? null;
        result.deviceErrorName = state.deviceErrorName ?? '';
        result.deviceRegistrationId = state.deviceRegistrationId ?? '';
        if (result.status === 'error') result.message = IMPORT_ERROR_HELP[result.deviceErrorName] ?? '';
      }
      pending = pending.filter((id) => byImportedId.get(id)?.status === 'pending');
      progress.update(byImportedId.size - pending.length, byImportedId.size, 'processed');
      if (pending.length === 0) break;
      if (Date.now() > deadline) {
        for (const id of pending) {
          const r = byImportedId.get(id);
          if (r) r.message = `still processing after ${timeoutSeconds} s; check later with GET ${IMPORTS}/${id}`;
        }
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 5000);
    }
    progress.stop();

    // 4. Delete the receipts (not those still processing), as Import-AutopilotCSV does.
    if (!opts.keep) {
      const finished = [...byImportedId.entries()].filter(([, r]) => r.status !== 'pending').map(([id]) => id);
      const failures = await mapLimit(finished, 8, async (id) => {
        try {
          await client.delete(`${IMPORTS}/${encodeURIComponent(id)}`);
          return 0;
        } catch (err) {
          if (err instanceof GraphRequestError && err.status === 404) return 0;
          return 1;
        }
      });
      const failed = failures.reduce<number>((a, b) => a + b, 0);
      if (failed > 0) progress.note(`Could not delete ${failed} imported-identity record(s); they stay listed under ${IMPORTS}.`);
    }

    // 5. Report by CSV line.
    const count = (s: RowStatus): number => results.filter((r) => r.status === s).length;
    const summary = { rows: results.length, complete: count('complete'), error: count('error'), invalid: count('invalid'), pending: count('pending') };
    const ok = fileErrors.length === 0 && summary.complete === results.length && results.length > 0;
    if (json) {
      out.json({
        file,
        importId,
        ok,
        summary,
        fileDiagnostics: reader.diagnostics.map((d) => ({ line: d.line, code: d.code, severity: d.severity, message: d.message, hint: d.hint })),
        rows: results,
      });
      return ok ? 0 : 1;
    }
    for (const d of fileErrors) out.line(`${out.color.red('error')} line ${d.line}: ${d.code}: ${d.message} ${d.hint}`.trimEnd());
    if (results.length > 0) {
      const status = (r: ImportRowResult): string =>
        r.status === 'complete' ? out.color.green(r.status) : r.status === 'pending' ? out.color.yellow(r.status) : out.color.red(r.status);
      out.table(
        ['line', 'serial', 'status', 'deviceErrorCode', 'deviceErrorName', 'registrationId'],
        results.map((r) => [r.line, r.serialNumber, status(r), r.deviceErrorCode ?? '', r.deviceErrorName, r.deviceRegistrationId]),
      );
    }
    for (const r of results) if (r.status !== 'complete' && r.message !== '') out.line(`line ${r.line}: ${r.deviceErrorName ? `${r.deviceErrorName}: ` : ''}${r.message}`);
    const parts = [`${summary.complete} imported`, `${summary.error} failed`, `${summary.invalid} not sent (errors in the CSV)`];
    if (summary.pending > 0) parts.push(`${summary.pending} still processing`);
    out.line(ok ? out.color.green(parts[0] ?? '') : out.color.red(parts.join(', ')));
    if (results.length === 0 && fileErrors.length === 0) out.line('The CSV has no device rows.');
    return ok ? 0 : 1;
  });
}
