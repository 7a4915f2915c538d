// The diagnostic catalogue: every code, its severity in each mode, Microsoft's number and the default hint.
import type { CsvDiagnostic, CsvDiagnosticCode, CsvField, Severity } from './types.js';

export interface DiagnosticSpec {
  /** Severity in lenient mode (the default). */
  lenient: Severity;
  /** Severity in strict mode (Intune's rules exactly). */
  strict: Severity;
  msCode?: number;
  /** What to do, when the emitting site has nothing more precise. */
  hint: string;
  /** What the code means (documentation, `tarmac csv codes`). */
  summary: string;
}

const FIX = 'Run `tarmac csv fix` to write a clean copy.';

export const DIAGNOSTIC_CODES: Readonly<Record<CsvDiagnosticCode, DiagnosticSpec>> = {
  InvalidZtdHardwareHash: {
    lenient: 'error',
    strict: 'error',
    msCode: 802,
    summary: 'The hardware hash fails the codec (base64, OA header, record walk, SHA-256 trailer).',
    hint: 'Capture the hash again on the device (Get-WindowsAutopilotInfo) and copy it without editing.',
  },
  MissingZtdSerialNumberAndProductKey: {
    // Lenient: a warning when the SMBIOS UUID or TPM EK hash still identify the device (see rules.ts).
    lenient: 'error',
    strict: 'error',
    msCode: 803,
    summary: 'No serial number and no Windows Product ID, neither in the columns nor inside the hash.',
    hint: 'Fill in Device Serial Number (or the 13-digit Windows Product ID); a VM needs an SMBIOS serial set.',
  },
  ZtdDeviceDuplicated: {
    lenient: 'error',
    strict: 'error',
    summary: 'The same device (by identity keys inside the hash) appears again further down the file.',
    hint: 'Keep one row per device (`tarmac csv merge` keeps the latest capture).',
  },
  EmptyFile: {
    lenient: 'error',
    strict: 'error',
    summary: 'The file holds no text.',
    hint: 'Export the CSV again.',
  },
  UnsupportedEncoding: {
    lenient: 'warning',
    strict: 'error',
    summary: 'The file is not ANSI text (UTF-16, a UTF-8 byte-order mark, or UTF-8 with non-ASCII characters).',
    hint: `Intune accepts ANSI only. ${FIX}`,
  },
  MixedEncoding: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'Both UTF-8 sequences and windows-1252 bytes were found; each was decoded on its own.',
    hint: 'Check the non-ASCII values; save the file from a plain-text editor.',
  },
  MixedLineEndings: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'Some lines end in CRLF and others in LF.',
    hint: FIX,
  },
  LineTooLong: {
    lenient: 'error',
    strict: 'error',
    summary: 'A physical line is longer than any Autopilot row can be; it was skipped.',
    hint: 'The file is probably not a CSV or lost its line breaks; export it again.',
  },
  NoDataRows: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'The file has a header but no device rows.',
    hint: 'Add device rows below the header.',
  },
  TooManyRows: {
    lenient: 'warning',
    strict: 'error',
    summary: 'More data rows than one upload accepts (500 for Intune, 1000 for Partner Center).',
    hint: 'Split the file into several uploads, and import each after the previous one has finished.',
  },
  InvalidHeader: {
    lenient: 'error',
    strict: 'error',
    summary: 'No recognisable header, a repeated column, or (strict) a header that is not Intune\'s exact text.',
    hint: 'The first line must be: Device Serial Number,Windows Product ID,Hardware Hash[,Group Tag[,Assigned User]]',
  },
  HeaderCaseMismatch: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A header name differs from the canonical one only in letter case or spacing (headers are case-sensitive).',
    hint: `Use the exact header text. ${FIX}`,
  },
  HeaderAlias: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A header uses another name for a known column (OrderID for Group Tag, Configuration Manager names …).',
    hint: `Use Intune's column names. ${FIX}`,
  },
  ColumnOrder: {
    lenient: 'warning',
    strict: 'error',
    summary: 'Known columns are not in the canonical order or a column is missing in between.',
    hint: `Intune reads columns by position. ${FIX}`,
  },
  MissingColumns: {
    lenient: 'warning',
    strict: 'error',
    summary:
      'A column is missing: from the header (the Hardware Hash column is required: error in both modes), or a row ' +
      'has fewer values than the header (error when the hash is among them).',
    hint: 'Every row needs a value (possibly empty) for every header column.',
  },
  ExtraColumns: {
    lenient: 'warning',
    strict: 'error',
    summary:
      'More columns than Intune allows: unknown or empty header columns, or empty trailing values (warning), ' +
      'or non-empty values beyond the header (error in both modes: probably a comma inside a value).',
    hint: 'Remove the extra columns; a value may not contain a comma.',
  },
  NonCommaDelimiter: {
    lenient: 'warning',
    strict: 'error',
    summary: 'Values are separated by semicolons or tabs (a regional Excel save), not commas.',
    hint: FIX,
  },
  PreambleSkipped: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A line before the header (a report title or parameter row) was skipped.',
    hint: `Intune needs the header on line 1. ${FIX}`,
  },
  BlankLine: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'A blank line was skipped.',
    hint: 'Remove blank lines.',
  },
  EmptyRow: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A row whose values are all empty (only commas) was skipped.',
    hint: 'Remove the row; Intune reads it as a device without a hash.',
  },
  QuotedValue: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A value is wrapped in or contains quotation marks (Intune allows none); lenient mode strips them.',
    hint: `Remove every " character (Excel adds them). ${FIX}`,
  },
  UnterminatedQuote: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A quoted value has no closing quotation mark on its line; it was closed at the end of the line.',
    hint: 'Remove the quotation marks; Autopilot values never span lines.',
  },
  TrailingWhitespace: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A value has leading or trailing spaces or tabs (a common cause of failed registrations).',
    hint: `Remove the spaces. ${FIX}`,
  },
  HiddenCharacter: {
    lenient: 'warning',
    strict: 'error',
    summary: 'A value holds an invisible character (control character, zero-width space, no-break space, BOM).',
    hint: `Re-type the value in a plain-text editor. ${FIX}`,
  },
  NonAsciiValue: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'A value holds non-ASCII characters, which may not survive Intune\'s ANSI import.',
    hint: 'Prefer plain ASCII letters, digits, "-" and "_" in group tags and names.',
  },
  EmptyHardwareHash: {
    lenient: 'error',
    strict: 'error',
    summary: 'The Hardware Hash is empty (Intune: InvalidZtdHardwareHash); a partner row needs a hash, a PKID, or serial+manufacturer+model.',
    hint: 'Capture the hash on the device with Get-WindowsAutopilotInfo.',
  },
  HashPaddingFixed: {
    lenient: 'warning',
    strict: 'error',
    summary: 'The hash is unpadded or mis-padded base64 (Intune answers HTTP 400 "Edm.Binary"); it was re-padded.',
    hint: `Append the missing "=" characters. ${FIX}`,
  },
  HashWarning: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'The codec found an oddity in an otherwise valid hash (non-zero padding, unusual size).',
    hint: 'Usually harmless; capture the hash again if the import fails.',
  },
  MissingSerialNumber: {
    lenient: 'warning',
    strict: 'error',
    summary: 'The Device Serial Number column is empty but the hash holds a serial number (Intune requires the column).',
    hint: `Fill in the serial number from the hash. ${FIX}`,
  },
  SerialNumberMismatch: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'The CSV serial number differs from the serial number inside the hash.',
    hint: 'The row was probably edited by hand; use the serial from the hash (`tarmac hash decode`).',
  },
  TupleMismatch: {
    lenient: 'warning',
    strict: 'warning',
    summary: 'Partner dialect: Manufacturer name or Device model differs from the hash (the tuple is case-sensitive).',
    hint: 'Use the SMBIOS manufacturer and model exactly as inside the hash.',
  },
  InvalidProductKeyId: {
    lenient: 'error',
    strict: 'error',
    summary: 'The Windows Product ID is not 13 digits.',
    hint: 'Leave the Windows Product ID empty, or enter the 13-digit product key ID.',
  },
  InvalidGroupTag: {
    lenient: 'error',
    strict: 'error',
    summary: 'The group tag holds characters that cannot be stored (control characters, quotation marks, commas).',
    hint: 'Use letters, digits, spaces, "-" and "_".',
  },
  InvalidAssignedUser: {
    lenient: 'error',
    strict: 'error',
    summary: 'The Assigned User is not a user principal name (user@domain.tld).',
    hint: 'Enter the user\'s UPN, e.g. adele@contoso.com, or leave the value empty.',
  },
};

export function severityOf(code: CsvDiagnosticCode, strict: boolean): Severity {
  const spec = DIAGNOSTIC_CODES[code];
  return strict ? spec.strict : spec.lenient;
}

export interface DiagnosticInit {
  line: number;
  code: CsvDiagnosticCode;
  message: string;
  column?: string | null;
  field?: CsvField | null;
  hint?: string;
  /** Overrides the catalogue severity (e.g. ExtraColumns with non-empty values is an error in both modes). */
  severity?: Severity;
}

export function makeDiagnostic(init: DiagnosticInit, strict: boolean): CsvDiagnostic {
  const spec = DIAGNOSTIC_CODES[init.code];
  const d: CsvDiagnostic = {
    line: init.line,
    column: init.column ?? null,
    field: init.field ?? null,
    code: init.code,
    severity: init.severity ?? (strict ? spec.strict : spec.lenient),
    message: init.message,
    hint: init.hint ?? spec.hint,
  };
  if (spec.msCode !== undefined) d.msCode = spec.msCode;
  return d;
}

/**
 * Collects diagnostics. Errors are all kept; warnings are kept up to `maxWarningsPerCode` per code, and the rest are
 * counted and summed up by `finish()` in one diagnostic per code (so a file that quotes every value on 100,000
 * lines does not produce 100,000 warnings).
 */
export class DiagnosticCollector {
  readonly list: CsvDiagnostic[] = [];
  errors = 0;
  warnings = 0;
  private readonly suppressed = new Map<CsvDiagnosticCode, { count: number; first: number; last: number; sample: CsvDiagnostic }>();
  private readonly perCode = new Map<CsvDiagnosticCode, number>();

  constructor(private readonly maxWarningsPerCode = Infinity) {}

  add(d: CsvDiagnostic): void {
    if (d.severity === 'error') {
      this.errors++;
      this.list.push(d);
      return;
    }
    this.warnings++;
    const n = (this.perCode.get(d.code) ?? 0) + 1;
    this.perCode.set(d.code, n);
    if (n <= this.maxWarningsPerCode) {
      this.list.push(d);
      return;
    }
    const s = this.suppressed.get(d.code);
    if (s) {
      s.count++;
      s.last = d.line;
    } else {
      this.suppressed.set(d.code, { count: 1, first: d.line, last: d.line, sample: d });
    }
  }

  addAll(ds: Iterable<CsvDiagnostic>): void {
    for (const d of ds) this.add(d);
  }

  /** Appends one summary per capped code and returns the list sorted by line (stable). */
  finish(): CsvDiagnostic[] {
    for (const [code, s] of this.suppressed) {
      this.list.push({
        line: s.first,
        column: null,
        field: null,
        code,
        severity: 'warning',
        message: `${s.count} more ${code} warning${s.count === 1 ? '' : 's'} not listed (lines ${s.first}–${s.last}).`,
        hint: s.sample.hint,
      });
    }
    this.suppressed.clear();
    // Array.prototype.sort is stable: diagnostics of one line keep the order they were found in.
    this.list.sort((a, b) => a.line - b.line);
    return this.list;
  }
}

/** Formats a diagnostic as one line of text: `line 7, Hardware Hash: error InvalidZtdHardwareHash (802): …`. */
export function formatDiagnostic(d: CsvDiagnostic): string {
  const where = d.column ? `line ${d.line}, ${d.column}` : `line ${d.line}`;
  const code = d.msCode !== undefined ? `${d.code} (${d.msCode})` : d.code;
  return `${where}: ${d.severity} ${code}: ${d.message}`;
}
