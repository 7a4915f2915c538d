// Turns a checked record into the row the canonical writer emits, and names every change that takes.
import type { CsvDiagnosticCode, CsvRecord } from './types.js';
import { toAsciiValue } from './write-csv.js';
import type { WritableRow } from './write-csv.js';

/** What fixCsv / mergeCsv changed. `lines` are the physical input lines affected (empty for whole-file changes). */
export type CsvChangeKind =
  | 'reencoded'
  | 'lineEndings'
  | 'delimiterChanged'
  | 'preambleRemoved'
  | 'headerAdded'
  | 'headerNormalised'
  | 'groupTagColumnRenamed'
  | 'columnsRemoved'
  | 'blankLinesRemoved'
  | 'emptyRowsRemoved'
  | 'quotesRemoved'
  | 'whitespaceTrimmed'
  | 'hiddenCharactersRemoved'
  | 'extraColumnsRemoved'
  | 'paddingFixed'
  | 'serialNumberFilled'
  | 'serialNumberReplaced'
  | 'transliterated'
  | 'rowsDropped'
  | 'tooManyRows';

export interface CsvChange {
  kind: CsvChangeKind;
  message: string;
  lines: number[];
  /** The input file, for mergeCsv. */
  file?: string;
}

/** A row change kind implied by a diagnostic code on a row that is written. */
const ROW_CHANGE: Partial<Record<string, { kind: CsvChangeKind; message: string }>> = {
  QuotedValue: { kind: 'quotesRemoved', message: 'Quotation marks removed' },
  UnterminatedQuote: { kind: 'quotesRemoved', message: 'Quotation marks removed' },
  TrailingWhitespace: { kind: 'whitespaceTrimmed', message: 'Spaces around values trimmed' },
  HiddenCharacter: { kind: 'hiddenCharactersRemoved', message: 'Invisible characters removed' },
  ExtraColumns: { kind: 'extraColumnsRemoved', message: 'Empty trailing values removed' },
  HashPaddingFixed: { kind: 'paddingFixed', message: 'Hash base64 padding fixed' },
};

/** Collects row changes by kind so that 100,000 re-padded hashes make one change, not 100,000. */
export class ChangeLog {
  private readonly byKind = new Map<string, CsvChange>();
  readonly list: CsvChange[] = [];

  add(kind: CsvChangeKind, message: string, lines: number[] = [], file?: string): void {
    const change: CsvChange = { kind, message, lines };
    if (file !== undefined) change.file = file;
    this.list.push(change);
  }

  /** Adds `line` to the aggregated change of this kind (created on first use). */
  addLine(kind: CsvChangeKind, message: string, line: number, file?: string): void {
    const key = `${file ?? ''}\u0000${kind}`;
    let change = this.byKind.get(key);
    if (!change) {
      change = { kind, message, lines: [] };
      if (file !== undefined) change.file = file;
      this.byKind.set(key, change);
      this.list.push(change);
    }
    change.lines.push(line);
  }
}

export interface CanonicalRow {
  row: WritableRow;
  /** Why the row cannot be written (when set, `row` must not be used). */
  dropReason?: string;
  /** The diagnostic code behind `dropReason`. */
  dropCode?: CsvDiagnosticCode;
}

/**
 * Builds the canonical row for a valid record: padded hash, serial number from the hash when the CSV one is
 * empty or different, free text reduced to ASCII. Changes go to `log`.
 */
export function canonicalRow(record: CsvRecord, log: ChangeLog | null, file?: string): CanonicalRow {
  const line = record.line;
  if (log) {
    const seen = new Set<string>();
    for (const d of record.diagnostics) {
      const change = ROW_CHANGE[d.code];
      if (change && !seen.has(change.kind)) {
        seen.add(change.kind);
        log.addLine(change.kind, change.message, line, file);
      }
    }
  }
  // Lenient reading accepts a row identified only by SMBIOS UUID/TPM (a warning), but Intune rejects it with 803,
  // and the output of fix/merge is meant for Intune.
  const unidentified = record.diagnostics.find((d) => d.code === 'MissingZtdSerialNumberAndProductKey');
  if (unidentified) {
    return {
      row: { serialNumber: '', productKeyId: '', hardwareHash: '' },
      dropReason:
        'MissingZtdSerialNumberAndProductKey: Intune rejects a row with no serial number and no product key ID (803); give the device an SMBIOS serial and capture its hash again',
      dropCode: unidentified.code,
    };
  }
  const identity = record.decoded?.identity ?? null;
  let serialNumber = record.serialNumber;
  const hashSerial = identity?.serialNumber ?? null;
  if (hashSerial !== null && serialNumber !== hashSerial) {
    if (serialNumber === '') log?.add('serialNumberFilled', `Serial number filled in from the hash: "${hashSerial}"`, [line], file);
    else log?.add('serialNumberReplaced', `Serial number "${serialNumber}" replaced by "${hashSerial}" from the hash`, [line], file);
    serialNumber = hashSerial;
  }
  const row: WritableRow = {
    serialNumber,
    productKeyId: record.productKeyId,
    hardwareHash: record.decoded?.base64 ?? record.hardwareHash,
  };
  const text: [keyof WritableRow, string, string][] = [
    ['groupTag', 'Group tag', record.groupTag],
    ['assignedUser', 'Assigned user', record.assignedUser],
    ['manufacturer', 'Manufacturer', record.manufacturer ?? ''],
    ['model', 'Model', record.model ?? ''],
  ];
  for (const [key, name, value] of text) {
    if (value === '') continue;
    const ascii = toAsciiValue(value);
    if (!ascii.exact) {
      if (ascii.lossy || ascii.value === '') {
        return { row, dropReason: `${name} "${value}" cannot be written in ASCII`, dropCode: 'NonAsciiValue' };
      }
      log?.add('transliterated', `${name} "${value}" written as "${ascii.value}" (ASCII only)`, [line], file);
    }
    row[key] = ascii.value;
  }
  for (const key of ['serialNumber', 'productKeyId', 'hardwareHash'] as const) {
    if (!/^[\x20\x21\x23-\x2b\x2d-\x7e]*$/.test(row[key])) return { row, dropReason: `${key} "${row[key]}" cannot be written in ASCII`, dropCode: 'NonAsciiValue' };
  }
  return { row };
}
