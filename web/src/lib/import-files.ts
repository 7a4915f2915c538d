// Checking CSVs in the browser before anything is sent, with the CLI's own code: validateCsv is what
// `tarmac csv validate` runs (lenient unless strict, its default row limit), fixCsvText is `tarmac csv fix`'s engine.
// A pasted hash becomes a one-row Intune CSV and goes through the same checks.
import { fixCsvText, INTUNE_HEADER, validateCsv, type CsvDiagnostic, type CsvRecord, type ValidateCsvResult } from '../../../src/csv/browser.js';

export interface CheckedDevice {
  line: number;
  serialNumber: string;
  productKey: string;
  /** Padded base64, as Graph's Edm.Binary takes it. */
  hardwareIdentifier: string;
  groupTag: string;
  assignedUser: string;
  manufacturer: string;
  model: string;
}

export interface CheckedFile {
  /** Unique within the page (two files may share a name). */
  key: string;
  name: string;
  bytes: Uint8Array;
  strict: boolean;
  result: Omit<ValidateCsvResult, 'records'>;
  /** Rows without errors: what Import sends. */
  devices: CheckedDevice[];
  /** Rows with errors, by line, with their first error (not sent). */
  rejected: { line: number; serialNumber: string; diagnostic: CsvDiagnostic }[];
}

let counter = 0;

function deviceOf(record: CsvRecord): CheckedDevice {
  const system = record.decoded?.inventory?.system;
  return {
    line: record.line,
    serialNumber: record.serialNumber,
    productKey: record.productKeyId,
    hardwareIdentifier: record.decoded?.base64 ?? record.hardwareHash,
    groupTag: record.groupTag,
    assignedUser: record.assignedUser,
    manufacturer: system?.manufacturer ?? record.manufacturer ?? '',
    model: system?.model ?? record.model ?? '',
  };
}

/** Validates a file's bytes as `tarmac csv validate` does (`--strict` when strict). */
export async function checkBytes(name: string, bytes: Uint8Array, strict: boolean, key?: string): Promise<CheckedFile> {
  const { records = [], ...result } = await validateCsv(bytes, { strict, keepRecords: true });
  const devices: CheckedDevice[] = [];
  const rejected: CheckedFile['rejected'] = [];
  for (const record of records) {
    const error = record.diagnostics.find((d) => d.severity === 'error');
    if (record.valid) devices.push(deviceOf(record));
    else if (error) rejected.push({ line: record.line, serialNumber: record.serialNumber, diagnostic: error });
  }
  return { key: key ?? `f${++counter}`, name, bytes, strict, result, devices, rejected };
}

export async function checkFile(file: File, strict: boolean): Promise<CheckedFile> {
  return checkBytes(file.name, new Uint8Array(await file.arrayBuffer()), strict);
}

/**
 * A pasted hash as the one-row CSV Get-WindowsAutopilotInfo would have written (line 2 is the device). Refuses what
 * cannot go into a CSV cell, so that the check reports on the hash and not on the wrapping.
 */
export function pastedHashCsv(hash: string, serialNumber: string, groupTag: string): Uint8Array {
  const cells = [serialNumber.trim(), '', hash.replace(/\s+/g, ''), groupTag.trim()];
  for (const [i, label] of [[0, 'serial number'], [3, 'group tag']] as const) {
    if (/[",\r\n]/.test(cells[i] ?? '')) throw new Error(`The ${label} cannot contain a comma, a quotation mark or a line break.`);
  }
  if (cells[2] === '') throw new Error('Paste a hardware hash (the base64 text of the “Hardware Hash” column).');
  const columns = groupTag.trim() === '' ? 3 : 4;
  const text = `${INTUNE_HEADER.slice(0, columns).join(',')}\r\n${cells.slice(0, columns).join(',')}\r\n`;
  return new TextEncoder().encode(text);
}

/** `tarmac csv fix` on the file: the canonical CSV as a Blob (null when nothing could be written) and its report. */
export async function fixedCsv(file: CheckedFile) {
  const r = await fixCsvText(file.bytes);
  return { ...r, blob: r.text === null ? null : new Blob([r.text], { type: 'text/csv' }) };
}

/** `name.csv` → `name-fixed.csv`. */
export function fixedName(name: string): string {
  return `${name.replace(/\.csv$/i, '')}-fixed.csv`;
}

/** Triggers a browser download of `blob` as `name`. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
