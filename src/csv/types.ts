// Public shapes of the Autopilot CSV toolkit. Behaviour reference: shared/docs/autopilot-reference.md §1, §2, §4.4.
import type { DeviceIdentity, HashIssue, Severity } from '../hash/types.js';

export type { Severity };

/** Where CSV bytes come from: a file path, the whole content in memory, or a stream / async iterable of chunks. */
/** A file path (Node only), bytes, or (async) iterable chunks: a Node Readable or a web ReadableStream's chunks. */
export type CsvSource = string | Uint8Array | AsyncIterable<Uint8Array | string> | Iterable<Uint8Array>;

/** The text encoding found by sniffing (BOM, then byte patterns). */
export type TextEncodingName =
  | 'ascii' // only bytes < 0x80 (also what UTF-8 and windows-1252 look like when nothing else appears)
  | 'utf-8' // UTF-8 without BOM and with at least one non-ASCII character
  | 'utf-8-bom'
  | 'utf-16le' // with or without BOM (see `bom`)
  | 'utf-16be'
  | 'windows-1252'; // bytes >= 0x80 that are not valid UTF-8

export interface EncodingInfo {
  name: TextEncodingName;
  bom: boolean;
}

export type LineEndings = 'crlf' | 'lf' | 'cr' | 'mixed' | 'none';

/** A column's meaning. The Intune names are the canonical ones. */
export type CsvField =
  | 'serialNumber' // Device Serial Number
  | 'productKeyId' // Windows Product ID
  | 'hardwareHash' // Hardware Hash
  | 'groupTag' // Group Tag (alias OrderID)
  | 'assignedUser' // Assigned User
  | 'manufacturer' // Manufacturer name (partner dialect)
  | 'model'; // Device model (partner dialect)

/**
 * - `intune-3|4|5`: `Device Serial Number,Windows Product ID,Hardware Hash[,Group Tag[,Assigned User]]`
 * - `partner`: `Device Serial Number,Windows Product ID,Hardware Hash,Manufacturer name,Device model` (Partner Center)
 * - `configmgr`: a Configuration Manager "Windows Autopilot Device Information" export: report rows before the header,
 *   and/or its own column names (`Serial Number`, `Hardware Identifier` …)
 * - `headerless`: no header was found but the first line is a device row; Intune columns are assumed by position.
 */
export type DialectName = 'intune-3' | 'intune-4' | 'intune-5' | 'partner' | 'configmgr' | 'headerless';

export interface DialectColumn {
  /** 0-based position in the row. */
  index: number;
  /** The header text as written (trimmed, unquoted). */
  header: string;
  /** What the column holds; null for a column Tarmac does not know (ignored, reported as ExtraColumns). */
  field: CsvField | null;
}

export interface CsvDialect {
  name: DialectName;
  /** 1-based physical line of the header (0 for `headerless`). */
  headerLine: number;
  /** The header line as written ('' for `headerless`). */
  headerText: string;
  /** Physical lines before the header that were skipped (report title and parameter rows). */
  skippedLines: number[];
  delimiter: ',' | ';' | '\t';
  columns: DialectColumn[];
  /** True when the header line is byte-for-byte the canonical header of its dialect. */
  exact: boolean;
}

/**
 * Every diagnostic code. Microsoft's names are used where one exists (numbers in `msCode`); the severity depends
 * on the mode, see DIAGNOSTIC_CODES in diagnostics.ts.
 */
export type CsvDiagnosticCode =
  // Microsoft's
  | 'InvalidZtdHardwareHash'
  | 'MissingZtdSerialNumberAndProductKey'
  | 'ZtdDeviceDuplicated'
  // file level
  | 'EmptyFile'
  | 'UnsupportedEncoding'
  | 'MixedEncoding'
  | 'MixedLineEndings'
  | 'LineTooLong'
  | 'NoDataRows'
  | 'TooManyRows'
  // header
  | 'InvalidHeader'
  | 'HeaderCaseMismatch'
  | 'HeaderAlias'
  | 'ColumnOrder'
  | 'MissingColumns'
  | 'ExtraColumns'
  | 'NonCommaDelimiter'
  | 'PreambleSkipped'
  // row shape
  | 'BlankLine'
  | 'EmptyRow'
  | 'QuotedValue'
  | 'UnterminatedQuote'
  | 'TrailingWhitespace'
  | 'HiddenCharacter'
  | 'NonAsciiValue'
  // values
  | 'EmptyHardwareHash'
  | 'HashPaddingFixed'
  | 'HashWarning'
  | 'MissingSerialNumber'
  | 'SerialNumberMismatch'
  | 'TupleMismatch'
  | 'InvalidProductKeyId'
  | 'InvalidGroupTag'
  | 'InvalidAssignedUser';

export interface CsvDiagnostic {
  /** 1-based physical line in the file (file-level problems point at line 1). */
  line: number;
  /**
   * The column as its header names it in this file (e.g. `"Hardware Hash"`, `"OrderID"`, `"Serial Number"`), or
   * `"#4"` (1-based position) for a column without a header; null for whole-line and file-level problems.
   */
  column: string | null;
  /** The canonical meaning of `column` (null when unknown or whole-line). */
  field: CsvField | null;
  code: CsvDiagnosticCode;
  severity: Severity;
  /** One line: what is wrong. */
  message: string;
  /** One line: what to do. */
  hint: string;
  /** Microsoft's numeric error code, when there is one (802, 803). */
  msCode?: number;
}

/** What the CSV toolkit needs from the hash codec (a structural subset of `decodeHardwareHash`'s result). */
export interface HashDecodeResult {
  valid: boolean;
  issues: HashIssue[];
  paddingFixed: boolean;
  base64: string | null;
  inventory: {
    system: { serialNumber: string | null; manufacturer: string | null; model: string | null };
    build: { capturedAt: string | null; toolVersion: number } | null;
  } | null;
  identity: DeviceIdentity | null;
}

export type HashDecoder = (text: string) => HashDecodeResult;

/** One data row, as the streaming reader yields it. Values are cleaned (unquoted, trimmed) but not otherwise changed. */
export interface CsvRecord {
  /** 1-based physical line. */
  line: number;
  serialNumber: string;
  productKeyId: string;
  /** The hash text as written (unquoted, trimmed); `decoded.base64` holds the padded form. */
  hardwareHash: string;
  groupTag: string;
  assignedUser: string;
  manufacturer?: string;
  model?: string;
  /** The codec's result, when the row has a hash. */
  decoded?: HashDecodeResult;
  /** Device identity keys (`tuple:…`, `uuid:…`, `pkid:…`, `ek:…`) from the hash, or from the PKID / partner tuple. */
  identityKeys: string[];
  /** Capture time from inside the hash (ISO 8601 UTC), or null. */
  capturedAt: string | null;
  /** This row's diagnostics (including ZtdDeviceDuplicated). */
  diagnostics: CsvDiagnostic[];
  /** True when no diagnostic of this row is an error. */
  valid: boolean;
}

export interface ReadCsvOptions {
  /** Apply Intune's rules exactly (default false: lenient). */
  strict?: boolean;
  /** Decode hashes (default true). Without it, hashes are only checked for presence. */
  decode?: boolean;
  /** Report ZtdDeviceDuplicated (default true). Keeps identity keys → first line in memory. */
  detectDuplicates?: boolean;
  /** Row limit before TooManyRows (default 500, or 1000 for the partner dialect). */
  maxRows?: number;
  /** Longest physical line accepted, in characters (default 1,000,000); longer lines are reported and skipped. */
  maxLineLength?: number;
  /** Lines scanned for a header before giving up (default 30). */
  maxPreambleLines?: number;
  /** Replaces the hash codec (tests, tools). */
  decoder?: HashDecoder;
}

export interface ValidateCsvOptions extends ReadCsvOptions {
  /** Keep every parsed record in the result (default false: only counts and diagnostics are kept). */
  keepRecords?: boolean;
  /**
   * At most this many warnings of one code are listed; the rest are summed up in one last diagnostic of that code.
   * Errors are never capped. Default 200.
   */
  maxWarningsPerCode?: number;
}

export interface ValidateCsvResult {
  /** True when there is no error. */
  ok: boolean;
  strict: boolean;
  encoding: EncodingInfo | null;
  lineEndings: LineEndings;
  dialect: CsvDialect | null;
  /** Physical lines read. */
  lines: number;
  /** Data rows (blank lines, the header and report rows excluded). */
  rows: number;
  /** Distinct devices on rows without errors. */
  devices: number;
  errors: number;
  warnings: number;
  /** Sorted by line. */
  diagnostics: CsvDiagnostic[];
  /** Only with `keepRecords`. */
  records?: CsvRecord[];
}
