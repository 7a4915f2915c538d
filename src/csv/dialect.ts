// Header recognition: which dialect a file is written in, which column holds what, and every way the header differs
// from the canonical one (reference §1.1, §2.1, §2.4, §4.4).
import type { DiagnosticInit } from './diagnostics.js';
import { splitLine } from './fields.js';
import type { CsvDialect, CsvField, DialectColumn, DialectName } from './types.js';

export const INTUNE_HEADER = ['Device Serial Number', 'Windows Product ID', 'Hardware Hash', 'Group Tag', 'Assigned User'] as const;
export const INTUNE_FIELDS: readonly CsvField[] = ['serialNumber', 'productKeyId', 'hardwareHash', 'groupTag', 'assignedUser'];
/** Get-WindowsAutopilotInfo -Partner writes exactly this header. */
export const PARTNER_HEADER = ['Device Serial Number', 'Windows Product ID', 'Hardware Hash', 'Manufacturer name', 'Device model'] as const;
export const PARTNER_FIELDS: readonly CsvField[] = ['serialNumber', 'productKeyId', 'hardwareHash', 'manufacturer', 'model'];

/** The Intune display name of each field (for messages). */
export const FIELD_LABEL: Readonly<Record<CsvField, string>> = {
  serialNumber: 'Device Serial Number',
  productKeyId: 'Windows Product ID',
  hardwareHash: 'Hardware Hash',
  groupTag: 'Group Tag',
  assignedUser: 'Assigned User',
  manufacturer: 'Manufacturer name',
  model: 'Device model',
};

/** Canonical names, squashed (lower case, letters and digits only). */
const CANONICAL: Readonly<Record<string, CsvField>> = {
  deviceserialnumber: 'serialNumber',
  windowsproductid: 'productKeyId',
  hardwarehash: 'hardwareHash',
  grouptag: 'groupTag',
  assigneduser: 'assignedUser',
  manufacturername: 'manufacturer',
  devicemodel: 'model',
};

/**
 * Other names seen for the same columns: OrderID (older WindowsAutopilotIntune, reference §1.5), Configuration
 * Manager's report wording ("serial number, Windows product identifier and hardware identifier", §2.4), Partner
 * Center API names (§4.3) and common hand-made variants.
 */
const ALIASES: Readonly<Record<string, CsvField>> = {
  serialnumber: 'serialNumber',
  serial: 'serialNumber',
  serialno: 'serialNumber',
  smbiosserialnumber: 'serialNumber',
  productid: 'productKeyId',
  windowsproductidentifier: 'productKeyId',
  productkeyid: 'productKeyId',
  productkey: 'productKeyId',
  pkid: 'productKeyId',
  hardwareidentifier: 'hardwareHash',
  hardwarehashvalue: 'hardwareHash',
  hardwaredata: 'hardwareHash',
  devicehardwaredata: 'hardwareHash',
  hwid: 'hardwareHash',
  hash: 'hardwareHash',
  '4khh': 'hardwareHash',
  orderid: 'groupTag',
  orderidentifier: 'groupTag',
  assigneduserprincipalname: 'assignedUser',
  userprincipalname: 'assignedUser',
  manufacturer: 'manufacturer',
  oemmanufacturername: 'manufacturer',
  model: 'model',
  modelname: 'model',
};

function squash(s: string): string {
  return s.toLowerCase().replace(/[^a-z0-9]/g, '');
}

export interface HeaderCell {
  /** As written, unquoted and trimmed. */
  text: string;
  raw: string;
  quoted: boolean;
  field: CsvField | null;
  /** How the name matched. */
  match: 'exact' | 'case' | 'alias' | 'unknown' | 'empty';
}

export interface HeaderCandidate {
  delimiter: ',' | ';' | '\t';
  cells: HeaderCell[];
  unterminated: boolean;
}

function classifyCell(raw: string, quoted: boolean): HeaderCell {
  const text = raw.replace(/^[\s\uFEFF]+|[\s\uFEFF]+$/g, '');
  if (text === '') return { text, raw, quoted, field: null, match: 'empty' };
  const key = squash(text);
  const canonical = CANONICAL[key];
  if (canonical) {
    const exact = text === FIELD_LABEL[canonical];
    return { text, raw, quoted, field: canonical, match: exact ? 'exact' : 'case' };
  }
  const alias = ALIASES[key];
  if (alias) return { text, raw, quoted, field: alias, match: 'alias' };
  return { text, raw, quoted, field: null, match: 'unknown' };
}

/** Reads a line as a header, trying ',' then ';' then tab. Null when no delimiter gives a recognisable header. */
export function recognizeHeader(text: string): HeaderCandidate | null {
  for (const delimiter of [',', ';', '\t'] as const) {
    if (delimiter !== ',' && text.indexOf(delimiter) === -1) continue;
    const split = splitLine(text, delimiter);
    const cells = split.values.map((v, i) => classifyCell(v, split.quoted?.[i] ?? false));
    const fields = new Set(cells.map((c) => c.field).filter((f): f is CsvField => f !== null));
    const recognisable =
      fields.size >= 2 && (fields.has('hardwareHash') || (fields.has('serialNumber') && (fields.has('manufacturer') || fields.has('model'))));
    if (recognisable) return { delimiter, cells, unterminated: split.unterminated };
  }
  return null;
}

/** True when some value on the line looks like a hardware hash (base64 of "OA…"): a device row, not a header. */
export function looksLikeDataRow(text: string): boolean {
  return /(^|[,;\t"\s])T0[E-H][A-Za-z0-9+/]{40}/.test(text);
}

export interface HeaderAnalysis {
  dialect: CsvDialect;
  /** Diagnostics about the header line (and the missing/extra columns it implies). */
  diagnostics: DiagnosticInit[];
}

function columnName(cell: HeaderCell, index: number): string {
  return cell.text === '' ? `#${index + 1}` : cell.text;
}

/**
 * Works out the dialect and the header's deviations from canonical. `strict` only changes what counts as a
 * deviation worth an InvalidHeader of its own (the catalogue decides severities).
 */
export function analyzeHeader(
  line: number,
  rawText: string,
  candidate: HeaderCandidate,
  skippedLines: number[],
  strict: boolean,
): HeaderAnalysis {
  const diagnostics: DiagnosticInit[] = [];
  const { cells, delimiter } = candidate;

  // Repeated columns are ambiguous: keep the first, report the rest.
  const seen = new Map<CsvField, number>();
  const columns: DialectColumn[] = cells.map((c, index) => {
    let field = c.field;
    if (field !== null) {
      const first = seen.get(field);
      if (first !== undefined) {
        diagnostics.push({
          line,
          code: 'InvalidHeader',
          column: columnName(c, index),
          field,
          severity: 'error',
          message: `Column ${index + 1} "${c.text}" repeats column ${first + 1} "${cells[first].text}" (${FIELD_LABEL[field]}); the repeat is ignored.`,
          hint: 'Keep one column per field.',
        });
        field = null;
      } else {
        seen.set(field, index);
      }
    }
    return { index, header: c.text, field };
  });
  const present = new Set(seen.keys());
  const partner = present.has('manufacturer') || present.has('model');
  const order = partner ? PARTNER_FIELDS : INTUNE_FIELDS;
  const labels: readonly string[] = partner ? PARTNER_HEADER : INTUNE_HEADER;

  let width = 0;
  for (const f of present) width = Math.max(width, order.indexOf(f) + 1);
  if (!partner) width = Math.max(width, 3);
  const usesAlias = cells.some((c) => c.match === 'alias' && c.field !== 'groupTag');

  let name: DialectName;
  if (partner) name = 'partner';
  else if (skippedLines.length > 0 || usesAlias) name = 'configmgr';
  else name = width >= 5 ? 'intune-5' : width === 4 ? 'intune-4' : 'intune-3';

  const canonicalText = (partner ? [...PARTNER_HEADER] : INTUNE_HEADER.slice(0, width)).join(',');
  const exact = rawText === canonicalText;

  if (delimiter !== ',') {
    diagnostics.push({
      line,
      code: 'NonCommaDelimiter',
      message: `Values are separated by ${delimiter === ';' ? 'semicolons' : 'tabs'}, not commas; read with "${delimiter === '\t' ? '\\t' : delimiter}".`,
    });
  }
  const quotedCells = cells.filter((c) => c.quoted);
  if (quotedCells.length > 0) {
    diagnostics.push({
      line,
      code: 'QuotedValue',
      column: quotedCells.length === 1 ? quotedCells[0].text : null,
      message: `The header has quotation marks around ${quotedCells.length === cells.length ? 'every name' : quotedCells.map((c) => `"${c.text}"`).join(', ')}.`,
    });
  }
  if (candidate.unterminated) {
    diagnostics.push({ line, code: 'UnterminatedQuote', message: 'The header has a quotation mark that is never closed.' });
  }
  cells.forEach((c, index) => {
    const column = columnName(c, index);
    if (c.raw.replace(/^\uFEFF/, '') !== c.raw || /[\u200B-\u200D\u2060\uFEFF\u00A0]/.test(c.text)) {
      diagnostics.push({
        line,
        code: 'HiddenCharacter',
        column,
        field: c.field,
        message: `Header "${c.text.replace(/[^\x20-\x7e]/g, '')}" holds an invisible character (a second byte-order mark or zero-width space).`,
      });
    } else if (c.text !== '' && c.raw !== c.text && !c.quoted) {
      diagnostics.push({ line, code: 'TrailingWhitespace', column, field: c.field, message: `Header "${c.text}" has spaces around it.` });
    }
    switch (c.match) {
      case 'case':
        diagnostics.push({
          line,
          code: 'HeaderCaseMismatch',
          column,
          field: c.field,
          message: `Header "${c.text}" should be written "${FIELD_LABEL[c.field ?? 'hardwareHash']}" (headers are case-sensitive).`,
        });
        break;
      case 'alias':
        diagnostics.push({
          line,
          code: 'HeaderAlias',
          column,
          field: c.field,
          message: `Header "${c.text}" was read as "${FIELD_LABEL[c.field ?? 'hardwareHash']}".`,
          hint: c.field === 'groupTag' ? 'Rename the column to "Group Tag" (OrderID is its old name).' : undefined,
        });
        break;
      case 'unknown':
        diagnostics.push({
          line,
          code: 'ExtraColumns',
          column,
          message: `Column ${index + 1} "${c.text}" is not an Autopilot column; its values are ignored.`,
        });
        break;
      case 'empty':
        diagnostics.push({
          line,
          code: 'ExtraColumns',
          column,
          message: `Column ${index + 1} has no header name; its values are ignored.`,
          hint: 'Remove the trailing comma(s) from the header.',
        });
        break;
      default:
        break;
    }
  });

  // Position: Intune (and Partner Center) read columns by position.
  const misplaced = columns.filter((c) => c.field !== null && order.indexOf(c.field) !== c.index);
  if (misplaced.length > 0) {
    diagnostics.push({
      line,
      code: 'ColumnOrder',
      column: null,
      message: `Columns out of place: ${misplaced.map((c) => `"${c.header}" is column ${c.index + 1}, should be ${order.indexOf(c.field as CsvField) + 1}`).join('; ')}.`,
      hint: `Order the columns as: ${labels.slice(0, width).join(',')}`,
    });
  }

  if (!present.has('hardwareHash') && !partner) {
    diagnostics.push({
      line,
      code: 'MissingColumns',
      field: 'hardwareHash',
      severity: 'error',
      message: 'The header has no Hardware Hash column; Intune registers devices by hash only.',
      hint: 'Add the Hardware Hash column (third).',
    });
  }
  const required: CsvField[] = partner ? ['serialNumber', 'productKeyId', 'hardwareHash', 'manufacturer', 'model'] : ['serialNumber', 'productKeyId'];
  const missing = required.filter((f) => !present.has(f));
  if (missing.length > 0) {
    diagnostics.push({
      line,
      code: 'MissingColumns',
      message: `The header has no ${missing.map((f) => `"${FIELD_LABEL[f]}"`).join(', ')} column${missing.length > 1 ? 's' : ''}.`,
      hint: `The header must be: ${labels.slice(0, Math.max(width, 3)).join(',')}`,
    });
  }

  if (strict && !exact && diagnostics.length === 0) {
    diagnostics.push({
      line,
      code: 'InvalidHeader',
      message: `The header is not exactly "${canonicalText}".`,
    });
  }

  return { dialect: { name, headerLine: line, headerText: rawText, skippedLines, delimiter, columns, exact }, diagnostics };
}

/** The dialect assumed when line 1 is already a device row: Intune columns by position. */
export function headerlessDialect(valueCount: number): CsvDialect {
  const columns: DialectColumn[] = [];
  for (let i = 0; i < valueCount; i++) {
    const field = i < INTUNE_FIELDS.length ? INTUNE_FIELDS[i] : null;
    columns.push({ index: i, header: field ? FIELD_LABEL[field] : `#${i + 1}`, field });
  }
  return { name: 'headerless', headerLine: 0, headerText: '', skippedLines: [], delimiter: ',', columns, exact: false };
}
