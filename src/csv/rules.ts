// Per-row rules: everything that can be wrong with one data row, checked without stopping at the first problem.
/* eslint-disable no-control-regex -- finding control characters in values is what this module is for */
import { normalizeKeyPart } from '../hash/identity.js';
import type { DeviceIdentity } from '../hash/types.js';
import type { DiagnosticInit } from './diagnostics.js';
import { makeDiagnostic } from './diagnostics.js';
import { FIELD_LABEL } from './dialect.js';
import { KeyIndex } from './key-index.js';
import type { SplitLine } from './fields.js';
import type { CsvDialect, CsvDiagnostic, CsvField, CsvRecord, HashDecodeResult, HashDecoder } from './types.js';

/** A user principal name: local part @ domain with at least one dot and a letters-only top-level domain. */
const UPN = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;
const PKID = /^\d{13}$/;
/** Anything that is not printable ASCII: the fast pre-check before the detailed ones. */
const NOT_PRINTABLE_ASCII = /[^\x20-\x7e]/;
/** Invisible characters: C0/C1 controls (tab aside), DEL, no-break and zero-width spaces, soft hyphen, BOM. */
const HIDDEN = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/g;
const HIDDEN_ONE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\u00a0\u00ad\u1680\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]/;

/** State the rules share across the rows of one file. */
export interface RowContext {
  strict: boolean;
  dialect: CsvDialect;
  partner: boolean;
  /** field → column index in the row. */
  index: Partial<Record<CsvField, number>>;
  /** Column label per position (header as written, or `#n`). */
  labels: string[];
  /** Label of each field's column (the canonical name when the file has no such column). */
  fieldLabels: Record<CsvField, string>;
  decoder: HashDecoder | null;
  /** identity key → first line that had it (null: duplicate detection off). */
  seenKeys: KeyIndex | null;
}

export function rowContext(
  dialect: CsvDialect,
  strict: boolean,
  decoder: HashDecoder | null,
  detectDuplicates: boolean,
): RowContext {
  const index: Partial<Record<CsvField, number>> = {};
  for (const c of dialect.columns) if (c.field !== null) index[c.field] = c.index;
  const labels = dialect.columns.map((c) => c.header || `#${c.index + 1}`);
  const fieldLabels = { ...FIELD_LABEL };
  for (const f of Object.keys(fieldLabels) as CsvField[]) {
    const i = index[f];
    if (i !== undefined) fieldLabels[f] = labels[i];
  }
  const partner = dialect.name === 'partner';
  return { strict, dialect, partner, index, labels, fieldLabels, decoder, seenKeys: detectDuplicates ? new KeyIndex() : null };
}

export interface RowResult {
  /** Null when the line is not a device row (all values empty). */
  record: CsvRecord | null;
  /** The line's diagnostics (the record's, or the EmptyRow one). */
  diagnostics: CsvDiagnostic[];
  /** Some value held a non-ASCII character, visible or not (the reader decides whether that is an encoding problem). */
  nonAscii: boolean;
}

/**
 * A checked row. A class so that the capture time, which needs the codec's full (lazily built) inventory, is only
 * computed when someone reads it; `toJSON` includes it.
 */
class Row implements CsvRecord {
  manufacturer?: string;
  model?: string;
  decoded?: HashDecodeResult;
  identityKeys: string[] = [];
  diagnostics: CsvDiagnostic[] = [];
  valid = true;
  /** The decoded hash is valid: its inventory can be trusted. */
  trusted = false;

  constructor(
    public line: number,
    public serialNumber: string,
    public productKeyId: string,
    public hardwareHash: string,
    public groupTag: string,
    public assignedUser: string,
  ) {}

  get capturedAt(): string | null {
    return this.trusted ? (this.decoded?.inventory?.build?.capturedAt ?? null) : null;
  }

  toJSON(): Omit<CsvRecord, 'decoded'> & { decoded?: HashDecodeResult } {
    const { trusted: _trusted, ...own } = this;
    return { ...own, capturedAt: this.capturedAt };
  }
}

/** True when the record's hash decoded as valid (its capture time and identity are trusted). */
export function isTrusted(record: CsvRecord): boolean {
  return record instanceof Row && record.trusted;
}

const NON_ASCII = /[^\x00-\x7f]/;
const EDGE_INVISIBLE = /^[\s\ufeff\u200b-\u200d\u2060\u00ad\x00-\x1f\x7f-\x9f]+|[\s\ufeff\u200b-\u200d\u2060\u00ad\x00-\x1f\x7f-\x9f]+$/g;

/** Per-row scratch for `value()`: the diagnostics so far and whether non-ASCII text was seen. */
interface RowScratch {
  ctx: RowContext;
  line: number;
  values: string[];
  inits: DiagnosticInit[];
  nonAscii: boolean;
}

/** True for a base64 character (the first and last character of a clean hash). */
function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47 || c === 61;
}

/** Reads, cleans and checks the value of field `f` (trimmed; invisible characters removed), reporting what it changed. */
function value(s: RowScratch, f: CsvField): string {
  const i = s.ctx.index[f];
  if (i === undefined || i >= s.values.length) return '';
  const raw = s.values[i];
  if (raw === '') return '';
  // Fast path for the hash: clean at both ends means clean (anything odd inside is the codec's InvalidBase64).
  if (f === 'hardwareHash' && isBase64Char(raw.charCodeAt(0)) && isBase64Char(raw.charCodeAt(raw.length - 1))) return raw;

  const { strict, labels } = s.ctx;
  const column = labels[i];
  const line = s.line;
  let v = raw;
  if (NOT_PRINTABLE_ASCII.test(v)) {
    if (NON_ASCII.test(v)) s.nonAscii = true;
    if (HIDDEN_ONE.test(v)) {
      const interior = HIDDEN_ONE.test(v.trim().replace(EDGE_INVISIBLE, ''));
      if (f === 'groupTag' && interior) {
        s.inits.push({ line, code: 'InvalidGroupTag', column, field: f, message: `Group tag "${printable(v.trim())}" holds an invisible or control character.` });
      } else {
        s.inits.push({
          line,
          code: 'HiddenCharacter',
          column,
          field: f,
          message: `"${column}" holds an invisible character (${describeHidden(v)})${strict ? '' : ', removed'}.`,
        });
      }
      v = v.replace(HIDDEN, '');
    }
  }
  const t = v.trim();
  if (t.length !== v.length) {
    s.inits.push({ line, code: 'TrailingWhitespace', column, field: f, message: `"${column}" has spaces or tabs around its value${strict ? '' : ' (trimmed)'}.` });
  }
  if (f !== 'hardwareHash' && NON_ASCII.test(t)) {
    s.inits.push({
      line,
      code: 'NonAsciiValue',
      column,
      field: f,
      message: `"${column}" value "${truncate(t)}" holds non-ASCII characters (${[...new Set(t.replace(/[\x00-\x7f]/g, ''))].join('')}).`,
    });
  }
  return t;
}

export function keyKind(key: string): string {
  const kind = key.slice(0, key.indexOf(':'));
  switch (kind) {
    case 'tuple':
      return 'manufacturer+model+serial';
    case 'uuid':
      return 'SMBIOS UUID';
    case 'pkid':
      return 'product key ID';
    case 'ek':
      return 'TPM endorsement key';
    default:
      return kind;
  }
}

/** Tuple key for a partner row without a hash, in the codec's own form (so it matches keys from hashes). */
export function tupleKey(manufacturer: string, model: string, serial: string): string {
  return `tuple:${normalizeKeyPart(manufacturer)}|${normalizeKeyPart(model)}|${normalizeKeyPart(serial)}`;
}

function describeHashError(decoded: HashDecodeResult): string {
  const errors = decoded.issues.filter((i) => i.severity === 'error');
  if (errors.length === 0) return 'the codec rejected it';
  const first = errors[0];
  const where =
    first.offset === undefined ? '' : first.code === 'InvalidBase64' || first.code === 'EmptyHash' ? ` at character ${first.offset}` : ` at byte ${first.offset}`;
  const more = errors.length > 1 ? ` (also ${[...new Set(errors.slice(1).map((e) => e.code))].join(', ')})` : '';
  return `${first.code}${where}: ${first.message.replace(/\s*\n\s*/g, ' ')}${more}`;
}

function labelAt(labels: string[], i: number): string {
  return i < labels.length ? labels[i] : `#${i + 1}`;
}

function isBlank(values: string[]): boolean {
  for (const v of values) {
    if (v.length > 0 && (v.charCodeAt(0) > 32 || v.trim() !== '')) return false;
  }
  return true;
}

/** One row under check: what the per-row rules read and the diagnostics they add, in the order they run. */
interface RowCheck {
  readonly ctx: RowContext;
  readonly line: number;
  readonly record: Row;
  readonly inits: DiagnosticInit[];
  /** The Windows Product ID is 13 digits. */
  readonly pkidValid: boolean;
}

/**
 * Checks one data line. The rules run in a fixed order, which is the order of the line's diagnostics: the line's
 * shape, each value's characters (as it is read), then the values themselves, the hash and what it says, and last
 * whether an earlier line was the same device.
 */
export function checkRow(ctx: RowContext, line: number, split: SplitLine): RowResult {
  if (isBlank(split.values)) return emptyRow(ctx, line, split.values);
  const inits: DiagnosticInit[] = [];
  checkQuotes(ctx, line, split, inits);
  checkColumnCount(ctx, line, split.values, inits);
  const scratch: RowScratch = { ctx, line, values: split.values, inits, nonAscii: false };
  const record = readRecord(scratch);
  const row: RowCheck = { ctx, line, record, inits, pkidValid: record.productKeyId !== '' && PKID.test(record.productKeyId) };
  checkProductKeyId(row);
  checkHardwareHash(row);
  checkSerialNumber(row);
  checkSerialOrProductKey(row);
  checkPartnerTuple(row);
  checkGroupTag(row);
  checkAssignedUser(row);
  record.identityKeys = identityKeysOf(row);
  checkDuplicate(row);
  return finish(row, scratch.nonAscii);
}

/** A line of empty values is no device row: one EmptyRow diagnostic, no record. */
function emptyRow(ctx: RowContext, line: number, values: string[]): RowResult {
  return { record: null, diagnostics: [emptyRowDiagnostic(line, values.length, ctx.strict)], nonAscii: false };
}

export function emptyRowDiagnostic(line: number, valueCount: number, strict: boolean): CsvDiagnostic {
  return makeDiagnostic({ line, code: 'EmptyRow', message: `Line ${line} has ${valueCount} values, all empty; skipped.` }, strict);
}

/** QuotedValue (the first quoted column, naming them all) and UnterminatedQuote. */
function checkQuotes(ctx: RowContext, line: number, split: SplitLine, inits: DiagnosticInit[]): void {
  if (!split.quoted) return;
  const { labels, strict } = ctx;
  const q: number[] = [];
  split.quoted.forEach((b, i) => b && q.push(i));
  if (q.length > 0) {
    inits.push({
      line,
      code: 'QuotedValue',
      column: labelAt(labels, q[0]),
      field: ctx.dialect.columns[q[0]]?.field ?? null,
      message: `Quotation marks around or inside ${q.map((i) => `"${labelAt(labels, i)}"`).join(', ')}${strict ? '' : ' (removed)'}.`,
    });
  }
  if (split.unterminated) {
    inits.push({ line, code: 'UnterminatedQuote', message: 'A quotation mark is opened and never closed on this line.' });
  }
}

/** Shape: more values than the header has columns (ExtraColumns) or fewer (MissingColumns). */
function checkColumnCount(ctx: RowContext, line: number, values: string[], inits: DiagnosticInit[]): void {
  const { labels } = ctx;
  const columns = ctx.dialect.columns;
  if (values.length > columns.length) {
    const extra = values.slice(columns.length);
    const nonEmpty = extra.filter((v) => v.trim() !== '');
    if (nonEmpty.length === 0) {
      inits.push({
        line,
        code: 'ExtraColumns',
        column: labelAt(labels, columns.length),
        message: `${extra.length} empty value${extra.length > 1 ? 's' : ''} after the last column (trailing comma${extra.length > 1 ? 's' : ''}).`,
        hint: 'Remove the trailing commas.',
      });
    } else {
      inits.push({
        line,
        code: 'ExtraColumns',
        column: labelAt(labels, columns.length),
        severity: 'error',
        message: `${values.length} values for ${columns.length} columns; extra value${nonEmpty.length > 1 ? 's' : ''} "${truncate(nonEmpty[0])}" (a comma inside a value?).`,
      });
    }
  } else if (values.length < columns.length) {
    const missing = columns.slice(values.length).filter((c) => c.field !== null);
    if (missing.length > 0) {
      const hashMissing = missing.some((c) => c.field === 'hardwareHash');
      inits.push({
        line,
        code: 'MissingColumns',
        column: missing[0].header,
        field: missing[0].field,
        severity: hashMissing ? 'error' : undefined,
        message: `${values.length} value${values.length === 1 ? '' : 's'} for ${columns.length} columns; missing ${missing.map((c) => `"${c.header}"`).join(', ')}.`,
      });
    }
  }
}

/** The row's values, cleaned by `value()` (which reports hidden characters, whitespace and non-ASCII text) in field order. */
function readRecord(s: RowScratch): Row {
  const record = new Row(
    s.line,
    value(s, 'serialNumber'),
    value(s, 'productKeyId'),
    value(s, 'hardwareHash'),
    value(s, 'groupTag'),
    value(s, 'assignedUser'),
  );
  if (s.ctx.partner) {
    record.manufacturer = value(s, 'manufacturer');
    record.model = value(s, 'model');
  }
  return record;
}

/** InvalidProductKeyId: a Windows Product ID that is not 13 digits. */
function checkProductKeyId({ ctx, line, record, inits, pkidValid }: RowCheck): void {
  const { productKeyId } = record;
  if (productKeyId !== '' && !pkidValid) {
    inits.push({
      line,
      code: 'InvalidProductKeyId',
      column: ctx.fieldLabels.productKeyId,
      field: 'productKeyId',
      message: `Windows Product ID "${truncate(productKeyId)}" is not 13 digits.`,
    });
  }
}

/**
 * The hash: EmptyHardwareHash (unless a partner row identifies the device otherwise), or the codec's verdict:
 * InvalidZtdHardwareHash (802), else HashPaddingFixed and HashWarning. A valid hash makes the record trusted.
 */
function checkHardwareHash({ ctx, line, record, inits, pkidValid }: RowCheck): void {
  const { strict } = ctx;
  const { serialNumber, hardwareHash } = record;
  const hashColumn = ctx.fieldLabels.hardwareHash;
  if (hardwareHash === '') {
    const partnerAlternative =
      ctx.partner && (pkidValid || (serialNumber !== '' && record.manufacturer !== '' && record.model !== ''));
    if (!partnerAlternative) {
      inits.push({
        line,
        code: 'EmptyHardwareHash',
        column: hashColumn,
        field: 'hardwareHash',
        message: ctx.partner
          ? 'No hardware hash, no valid Windows Product ID and no complete serial+manufacturer+model tuple.'
          : 'The Hardware Hash is empty (Intune reports InvalidZtdHardwareHash).',
      });
    }
    return;
  }
  if (!ctx.decoder) return;
  const decoded = ctx.decoder(hardwareHash);
  record.decoded = decoded;
  let hasError = !decoded.valid;
  for (const issue of decoded.issues) if (issue.severity === 'error') hasError = true;
  if (hasError) {
    inits.push({
      line,
      code: 'InvalidZtdHardwareHash',
      column: hashColumn,
      field: 'hardwareHash',
      message: `Hardware hash is invalid: ${describeHashError(decoded)}`,
    });
    return;
  }
  record.trusted = true;
  if (decoded.paddingFixed) {
    inits.push({
      line,
      code: 'HashPaddingFixed',
      column: hashColumn,
      field: 'hardwareHash',
      message: `The hash is ${hardwareHash.length} characters of base64 without correct "=" padding${strict ? '' : '; it was re-padded'}.`,
    });
  }
  for (const issue of decoded.issues) {
    if (issue.severity !== 'warning' || issue.code === 'HashPaddingFixed') continue;
    inits.push({
      line,
      code: 'HashWarning',
      column: hashColumn,
      field: 'hardwareHash',
      message: `${issue.code}${issue.offset !== undefined ? ` at byte ${issue.offset}` : ''}: ${issue.message}`,
    });
  }
}

/** What the hash says about the device; only a valid hash is trusted for identity, serial and tuple checks. */
function trustedIdentity(record: Row): DeviceIdentity | null {
  return record.trusted ? (record.decoded?.identity ?? null) : null;
}

/** The serial number against the one inside the hash: SerialNumberMismatch, or MissingSerialNumber when the CSV has none. */
function checkSerialNumber({ ctx, line, record, inits }: RowCheck): void {
  const { serialNumber } = record;
  const hashSerial = trustedIdentity(record)?.serialNumber ?? null;
  if (serialNumber !== '' && hashSerial !== null && serialNumber !== hashSerial) {
    const caseOnly = serialNumber.toUpperCase() === hashSerial.toUpperCase();
    inits.push({
      line,
      code: 'SerialNumberMismatch',
      column: ctx.fieldLabels.serialNumber,
      field: 'serialNumber',
      message: `Serial number "${truncate(serialNumber)}" differs ${caseOnly ? 'in letter case ' : ''}from "${hashSerial}" inside the hash.`,
    });
  } else if (serialNumber === '' && hashSerial !== null && !ctx.partner) {
    inits.push({
      line,
      code: 'MissingSerialNumber',
      column: ctx.fieldLabels.serialNumber,
      field: 'serialNumber',
      message: `Device Serial Number is empty; the hash holds "${hashSerial}".`,
    });
  }
}

/**
 * 803: nothing identifies the device by serial or product key. Intune refuses such a row (strict: error). When the
 * hash still identifies the device unambiguously (SMBIOS UUID or TPM EK hash, e.g. a VM with no SMBIOS serial),
 * lenient mode accepts it with a warning: Tarmac can key it, but the same file would fail in Intune.
 */
function checkSerialOrProductKey({ ctx, line, record, inits, pkidValid }: RowCheck): void {
  const { serialNumber, hardwareHash } = record;
  const identity = trustedIdentity(record);
  const hashSerial = identity?.serialNumber ?? null;
  if ((identity !== null || hardwareHash === '') && serialNumber === '' && hashSerial === null && !pkidValid && !identity?.productKeyId) {
    const placeholder = identity?.placeholders.includes('serialNumber') ?? false;
    const otherKeys = Boolean(identity?.smbiosUuid || identity?.tpmEkHash);
    inits.push({
      line,
      code: 'MissingZtdSerialNumberAndProductKey',
      column: ctx.fieldLabels.serialNumber,
      field: 'serialNumber',
      severity: ctx.strict || !otherKeys ? 'error' : 'warning',
      message:
        (placeholder
          ? 'No serial number or product key ID: the CSV values are empty and the hash holds only a placeholder serial (such as SMBIOS_STRING_INDEX_0).'
          : 'No serial number or product key ID, neither in the CSV nor inside the hash.') +
        (!ctx.strict && otherKeys ? ' Accepted: the SMBIOS UUID/TPM inside the hash identify the device, but Intune rejects this row with 803.' : ''),
    });
  }
}

/** TupleMismatch: a partner row's manufacturer or model against the hash (Partner Center matches them case-sensitively). */
function checkPartnerTuple({ ctx, line, record, inits }: RowCheck): void {
  const identity = trustedIdentity(record);
  if (!ctx.partner || !identity) return;
  for (const [f, csv, inHash] of [
    ['manufacturer', record.manufacturer ?? '', identity.manufacturer],
    ['model', record.model ?? '', identity.model],
  ] as const) {
    if (csv !== '' && inHash !== null && csv !== inHash.trim()) {
      inits.push({
        line,
        code: 'TupleMismatch',
        column: ctx.fieldLabels[f],
        field: f,
        message: `${FIELD_LABEL[f]} "${truncate(csv)}" differs from "${inHash.trim()}" inside the hash.`,
      });
    }
  }
}

/** InvalidGroupTag: a control character or a quotation mark in the group tag. */
function checkGroupTag({ ctx, line, record, inits }: RowCheck): void {
  const { groupTag } = record;
  if (groupTag !== '' && /[\x00-\x1f\x7f",]/.test(groupTag)) {
    inits.push({ line, code: 'InvalidGroupTag', column: ctx.fieldLabels.groupTag, field: 'groupTag', message: `Group tag "${printable(groupTag)}" holds a control character or a quotation mark.` });
  }
}

/** InvalidAssignedUser: an assigned user that is not a user principal name. */
function checkAssignedUser({ ctx, line, record, inits }: RowCheck): void {
  const { assignedUser } = record;
  if (assignedUser !== '' && !UPN.test(assignedUser)) {
    inits.push({
      line,
      code: 'InvalidAssignedUser',
      column: ctx.fieldLabels.assignedUser,
      field: 'assignedUser',
      message: `Assigned User "${truncate(printable(assignedUser))}" is not a user principal name (user@domain.tld).`,
    });
  }
}

/** The device's identity keys: the valid hash's, or for a partner row without a hash its product key ID and tuple. */
function identityKeysOf({ ctx, record, pkidValid }: RowCheck): string[] {
  const identity = trustedIdentity(record);
  if (identity) return identity.keys;
  if (record.hardwareHash !== '' || !ctx.partner) return [];
  const keys: string[] = [];
  if (pkidValid) keys.push(`pkid:${record.productKeyId}`);
  if (record.serialNumber !== '' && record.manufacturer && record.model) keys.push(tupleKey(record.manufacturer, record.model, record.serialNumber));
  return keys;
}

/** ZtdDeviceDuplicated: an identity key an earlier line had (the first such key and line are named). */
function checkDuplicate({ ctx, line, record, inits }: RowCheck): void {
  const seen = ctx.seenKeys;
  if (seen === null || record.identityKeys.length === 0) return;
  let firstKey: string | null = null;
  let firstLine = 0;
  for (const key of record.identityKeys) {
    const stored = seen.setIfAbsent(key, line);
    if (stored !== line && firstKey === null) {
      firstKey = key;
      firstLine = stored;
    }
  }
  if (firstKey !== null) inits.push(duplicateInit(line, firstLine, keyKind(firstKey), record.capturedAt));
}

/** ZtdDeviceDuplicated for `line`, whose key of kind `kind` (keyKind) first appeared on `firstLine`. */
export function duplicateInit(line: number, firstLine: number, kind: string, captured: string | null): DiagnosticInit {
  return {
    line,
    code: 'ZtdDeviceDuplicated',
    column: null,
    message: `Same device as line ${firstLine} (same ${kind})${captured ? `, captured again at ${captured}` : ''}; only line ${firstLine} is imported.`,
  };
}

/** Turns the collected diagnostics into the record's (with their mode's severity); any error makes the row invalid. */
function finish({ ctx, record, inits }: RowCheck, nonAscii: boolean): RowResult {
  if (inits.length > 0) {
    const diagnostics = inits.map((i) => makeDiagnostic(i, ctx.strict));
    record.diagnostics = diagnostics;
    record.valid = !diagnostics.some((d) => d.severity === 'error');
  }
  return { record, diagnostics: record.diagnostics, nonAscii };
}

function truncate(s: string, max = 60): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function printable(s: string): string {
  return s.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function describeHidden(raw: string): string {
  const found = new Set<string>();
  for (const ch of raw.match(HIDDEN) ?? []) {
    const cp = ch.codePointAt(0) ?? 0;
    found.add(
      cp === 0xfeff
        ? 'byte-order mark U+FEFF'
        : cp === 0xa0
          ? 'no-break space U+00A0'
          : cp >= 0x200b && cp <= 0x200d
            ? `zero-width U+${cp.toString(16).toUpperCase()}`
            : `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`,
    );
  }
  return [...found].join(', ');
}

export { UPN as UPN_PATTERN, PKID as PKID_PATTERN };
