// The canonical writer: ASCII, CRLF, the exact header with the fewest columns needed, no quotes, padded base64.
// Its output is what strict mode accepts.
import { INTUNE_HEADER, PARTNER_HEADER } from './dialect.js';

/** Printable ASCII without quotation mark and comma. */
const SAFE_CELL = /^[\x20\x21\x23-\x2b\x2d-\x7e]*$/;

export type OutputDialect = 'intune' | 'partner';
export type IntuneColumns = 3 | 4 | 5;

/** One row to write. Values must already be valid; `toAsciiValue` is applied to free-text values. */
export interface WritableRow {
  serialNumber: string;
  productKeyId: string;
  /** Padded base64 (empty for partner rows registered by PKID or tuple). */
  hardwareHash: string;
  groupTag?: string;
  assignedUser?: string;
  manufacturer?: string;
  model?: string;
}

export interface WriteCsvOptions {
  /** `intune` (default) or `partner` (Get-WindowsAutopilotInfo -Partner header). */
  dialect?: OutputDialect;
  /** Intune columns to write; computed from the rows when they are an array, required for other iterables. */
  columns?: IntuneColumns;
}

/** 3 when no row has a group tag or user, 4 with a group tag only, 5 when some row has an assigned user. */
export function columnsNeeded(rows: Iterable<Pick<WritableRow, 'groupTag' | 'assignedUser'>>): IntuneColumns {
  let columns: IntuneColumns = 3;
  for (const r of rows) {
    if (r.assignedUser) return 5;
    if (r.groupTag) columns = 4;
  }
  return columns;
}

export function headerLine(dialect: OutputDialect, columns: IntuneColumns = 3): string {
  return dialect === 'partner' ? PARTNER_HEADER.join(',') : INTUNE_HEADER.slice(0, columns).join(',');
}

/**
 * Makes a value safe for the canonical file: accents removed (é → e, ß → ss), whitespace trimmed. `exact` is false
 * when anything changed; `lossy` is true when a character had to be dropped (no ASCII equivalent, a quotation mark,
 * a delimiter or a control character), i.e. the value's meaning may have changed.
 */
export function toAsciiValue(value: string): { value: string; exact: boolean; lossy: boolean } {
  if (SAFE_CELL.test(value) && value.trim() === value) return { value, exact: true, lossy: false };
  const transliterated = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßæœÆŒøØłŁđĐ]/g, (c) => TRANSLITERATION[c] ?? c)
    .trim();
  const out = transliterated.replace(/[^\x20-\x7e]|[",]/g, '');
  return { value: out, exact: out === value, lossy: out !== transliterated };
}

const TRANSLITERATION: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', Æ: 'AE', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D' };

export function formatRow(row: WritableRow, dialect: OutputDialect, columns: IntuneColumns = 3): string {
  const cells =
    dialect === 'partner'
      ? [row.serialNumber, row.productKeyId, row.hardwareHash, row.manufacturer ?? '', row.model ?? '']
      : [row.serialNumber, row.productKeyId, row.hardwareHash, row.groupTag ?? '', row.assignedUser ?? ''].slice(0, columns);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (!SAFE_CELL.test(c)) {
      throw new Error(`Cannot write "${c}" into a canonical Autopilot CSV (non-ASCII, quotation mark, comma or control character).`);
    }
  }
  return cells.join(',');
}

/** The canonical CSV as a string (small outputs, tests). */
export function formatCsv(rows: WritableRow[], options: WriteCsvOptions = {}): string {
  const dialect = options.dialect ?? 'intune';
  const columns = options.columns ?? columnsNeeded(rows);
  return [headerLine(dialect, columns), ...rows.map((r) => formatRow(r, dialect, columns))].map((l) => `${l}\r\n`).join('');
}
