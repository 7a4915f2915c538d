// Importing checked files through Graph, as `tarmac import` does: POST …/importedWindowsAutopilotDeviceIdentities/import
// in chunks of at most 500 (Intune's per-upload limit), one importId per file, then poll the created identities every
// 1.5 s until each is complete or error. Every result stays tied to its file and CSV line. The imported identities
// are kept (unlike the CLI's default): they are the tenant's import history.
import { ApiError, graph, graphAll, odataString } from '../api/client';
import type { CheckedFile } from './import-files';
import { newImportId, statusOf, type ImportedIdentity } from './import-history';

export type { ImportedIdentity } from './import-history';

export const IMPORTS = '/v1.0/deviceManagement/importedWindowsAutopilotDeviceIdentities';
export const IMPORT_CHUNK = 500;
const POLL_MS = 1500;
const MAX_RETRIES = 5;

export type RowStatus = 'notSent' | 'sending' | 'pending' | 'complete' | 'error';

export interface ImportRow {
  fileKey: string;
  fileName: string;
  line: number;
  serialNumber: string;
  status: RowStatus;
  importId: string;
  importedId: string;
  deviceErrorCode: number | null;
  deviceErrorName: string;
  deviceRegistrationId: string;
  /** For rows not sent: the CSV check's message; for a refused request: Graph's error, verbatim. */
  message: string;
}

export interface ImportProgress {
  rows: ImportRow[];
  /** A passing condition worth showing (a 429 being waited out), verbatim. */
  notice: string | null;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(t);
      reject(signal.reason);
    }, { once: true });
  });

function graphErrorText(err: ApiError): string {
  return `${err.status} ${err.code}: ${err.message}`;
}

/** Rows of the files as they stand before sending: valid rows queued, rows with errors not sent. */
export function initialRows(files: CheckedFile[]): ImportRow[] {
  const rows: ImportRow[] = [];
  for (const f of files) {
    const fileRows: ImportRow[] = [];
    const base = { fileKey: f.key, fileName: f.name, importId: '', importedId: '', deviceRegistrationId: '' };
    for (const d of f.devices) fileRows.push({ ...base, line: d.line, serialNumber: d.serialNumber, status: 'sending', deviceErrorCode: null, deviceErrorName: '', message: '' });
    for (const r of f.rejected) {
      fileRows.push({ ...base, line: r.line, serialNumber: r.serialNumber, status: 'notSent', deviceErrorCode: r.diagnostic.msCode ?? null, deviceErrorName: r.diagnostic.code, message: `${r.diagnostic.message} ${r.diagnostic.hint}`.trim() });
    }
    rows.push(...fileRows.sort((a, b) => a.line - b.line));
  }
  return rows;
}

/**
 * A Graph call that waits out 429 (Retry-After, else 5 s) up to 5 times, telling `notice` what Graph said. Other
 * errors are thrown.
 */
async function withRetry<T>(call: () => Promise<T>, notice: (text: string | null) => void, signal: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await call();
      notice(null);
      return result;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 429 || attempt >= MAX_RETRIES) throw err;
      const wait = err.retryAfterSeconds ?? 5;
      notice(`${graphErrorText(err)} (Retry-After: ${err.retryAfterSeconds ?? 'none'}) — trying again in ${wait} s.`);
      await sleep(wait * 1000, signal);
    }
  }
}

export async function runImport(files: CheckedFile[], onProgress: (p: ImportProgress) => void, signal: AbortSignal): Promise<void> {
  const rows = initialRows(files);
  let notice: string | null = null;
  const report = () => onProgress({ rows: rows.map((r) => ({ ...r })), notice });
  const setNotice = (text: string | null) => {
    notice = text;
    report();
  };
  report();
  const byImportedId = new Map<string, ImportRow>();
  const importIds: string[] = [];

  // 1. Send, file by file, in chunks.
  for (const file of files) {
    if (file.devices.length === 0) continue;
    const importId = newImportId();
    importIds.push(importId);
    const fileRows = new Map(rows.filter((r) => r.fileKey === file.key && r.status === 'sending').map((r) => [r.line, r]));
    for (let start = 0; start < file.devices.length; start += IMPORT_CHUNK) {
      const chunk = file.devices.slice(start, start + IMPORT_CHUNK);
      const body = {
        importedWindowsAutopilotDeviceIdentities: chunk.map((d) => ({
          '@odata.type': '#microsoft.graph.importedWindowsAutopilotDeviceIdentity',
          importId,
          serialNumber: d.serialNumber,
          productKey: d.productKey,
          hardwareIdentifier: d.hardwareIdentifier,
          groupTag: d.groupTag,
          assignedUserPrincipalName: d.assignedUser,
          state: { deviceImportStatus: 'pending', deviceRegistrationId: '', deviceErrorCode: 0, deviceErrorName: '' },
        })),
      };
      try {
        const answer = await withRetry(() => graph<{ value?: ImportedIdentity[] }>(`${IMPORTS}/import`, { method: 'POST', body, signal }), setNotice, signal);
        const value = answer.value ?? [];
        chunk.forEach((d, i) => {
          const row = fileRows.get(d.line);
          if (!row) return;
          const imported = value[i];
          row.importId = importId;
          if (!imported) {
            Object.assign(row, { status: 'error', message: 'Graph returned no imported identity for this row.' });
            return;
          }
          Object.assign(row, { status: 'pending', importedId: imported.id });
          byImportedId.set(imported.id, row);
        });
      } catch (err) {
        // Graph refused the chunk as a whole (400: a value it cannot read; 429 after the retries): its rows fail with
        // Graph's code and message as they are. Authentication and server failures stop the import.
        if (!(err instanceof ApiError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
        for (const d of chunk) {
          const row = fileRows.get(d.line);
          if (row) Object.assign(row, { status: 'error', deviceErrorName: err.code, message: graphErrorText(err) });
        }
      }
      report();
    }
  }

  // 2. Poll every import's identities until none is pending.
  while ([...byImportedId.values()].some((r) => r.status === 'pending')) {
    await sleep(POLL_MS, signal);
    for (const importId of importIds) {
      const waiting = [...byImportedId.values()].filter((r) => r.importId === importId && r.status === 'pending');
      if (waiting.length === 0) continue;
      const listed = await withRetry(
        () => graphAll<ImportedIdentity>(`${IMPORTS}?$filter=${encodeURIComponent(`importId eq ${odataString(importId)}`)}&$top=1000`),
        setNotice,
        signal,
      );
      const found = new Map(listed.map((i) => [i.id, i]));
      for (const row of waiting) {
        // Not in the list (deleted meanwhile, or the filter not honoured): ask for it by id.
        const identity = found.get(row.importedId) ?? (await withRetry(() => graph<ImportedIdentity>(`${IMPORTS}/${encodeURIComponent(row.importedId)}`, { signal }), setNotice, signal));
        const status = statusOf(identity);
        if (status === 'pending') continue;
        row.status = status;
        row.deviceErrorCode = identity.state?.deviceErrorCode ?? null;
        row.deviceErrorName = identity.state?.deviceErrorName ?? '';
        row.deviceRegistrationId = identity.state?.deviceRegistrationId ?? '';
      }
    }
    report();
  }
}
