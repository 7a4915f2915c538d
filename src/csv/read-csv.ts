// The streaming reader: bytes → text → physical lines → header/dialect → checked records, one at a time.
// Memory stays flat: one chunk of text, the current line, and (for duplicate detection) identity key → first line.
import { decodeHash } from './codec.js';
import { DiagnosticCollector, makeDiagnostic } from './diagnostics.js';
import type { DiagnosticInit } from './diagnostics.js';
import { analyzeHeader, headerlessDialect, looksLikeDataRow, recognizeHeader } from './dialect.js';
import { StreamingTextDecoder, encodingLabel } from './encoding.js';
import { splitLine } from './fields.js';
import { physicalLines } from './lines.js';
import type { PhysicalLine } from './lines.js';
import { checkRow, rowContext } from './rules.js';
import type { RowContext } from './rules.js';
import { byteChunks } from './source.js';
import type { CsvDiagnostic, CsvDialect, CsvRecord, CsvSource, EncodingInfo, LineEndings, ReadCsvOptions } from './types.js';

export const INTUNE_MAX_ROWS = 500;
export const PARTNER_MAX_ROWS = 1000;

/**
 * Reads an Autopilot CSV as a stream of checked records. Iterate it once with `for await`; afterwards `encoding`,
 * `dialect`, `lineEndings`, `lines`, `rows` and `diagnostics` (the ones that belong to no row: encoding, header,
 * report rows, blank lines, row limit) describe the whole file. Each record carries its own diagnostics.
 */
export class CsvReader implements AsyncIterable<CsvRecord> {
  encoding: EncodingInfo | null = null;
  dialect: CsvDialect | null = null;
  lineEndings: LineEndings = 'none';
  /** Physical lines read so far. */
  lines = 0;
  /** Data rows yielded so far. */
  rows = 0;
  readonly strict: boolean;
  private readonly fileDiagnostics: DiagnosticCollector;
  private started = false;
  private readonly decoder = new StreamingTextDecoder();

  constructor(
    private readonly source: CsvSource,
    private readonly options: ReadCsvOptions = {},
    /** Internal: validateCsv shares one collector for file and row diagnostics. */
    collector?: DiagnosticCollector,
  ) {
    this.strict = options.strict ?? false;
    this.fileDiagnostics = collector ?? new DiagnosticCollector(200);
  }

  /** Diagnostics that belong to no row, sorted by line (complete once iteration has finished). */
  get diagnostics(): readonly CsvDiagnostic[] {
    return this.fileDiagnostics.list;
  }

  [Symbol.asyncIterator](): AsyncIterator<CsvRecord> {
    if (this.started) throw new Error('A CsvReader can be iterated only once; open the source again.');
    this.started = true;
    return this.run();
  }

  private file(init: DiagnosticInit): void {
    this.fileDiagnostics.add(makeDiagnostic(init, this.strict));
  }

  private async *run(): AsyncGenerator<CsvRecord> {
    const strict = this.strict;
    const opts = this.options;
    const decoder = (opts.decode ?? true) ? (opts.decoder ?? decodeHash) : null;
    const maxPreamble = opts.maxPreambleLines ?? 30;

    let state: 'header' | 'rows' | 'noheader' = 'header';
    const holder: { ctx: RowContext | null } = { ctx: null };
    let maxRows = opts.maxRows ?? INTUNE_MAX_ROWS;
    const preamble: { number: number; text: string }[] = [];
    let encodingChecked = false;
    let nonAsciiReported = false;
    let sawNonBlank = false;
    let unchecked = 0;
    const eolCounts = { crlf: 0, lf: 0, cr: 0 };
    let firstEol: 'crlf' | 'lf' | 'cr' | null = null;
    let firstOtherEol = 0;

    const startRows = (dialect: CsvDialect): 'rows' => {
      this.dialect = dialect;
      holder.ctx = rowContext(dialect, strict, decoder, opts.detectDuplicates ?? true);
      if (opts.maxRows === undefined && dialect.name === 'partner') maxRows = PARTNER_MAX_ROWS;
      return 'rows';
    };

    const processRow = (pl: PhysicalLine): CsvRecord | null => {
      const c = holder.ctx;
      if (c === null) return null;
      const res = checkRow(c, pl.number, splitLine(pl.text, c.dialect.delimiter));
      if (res.nonAscii && !nonAsciiReported) {
        nonAsciiReported = true;
        const enc = this.decoder.info();
        if (enc.name === 'utf-8') {
          this.file({
            line: pl.number,
            code: 'UnsupportedEncoding',
            message: `The file is UTF-8 with non-ASCII characters (first on line ${pl.number}); Intune reads ANSI only.`,
          });
        }
      }
      if (res.record === null) {
        this.fileDiagnostics.addAll(res.diagnostics);
        return null;
      }
      this.rows++;
      if (this.rows === maxRows + 1) {
        this.file({
          line: pl.number,
          code: 'TooManyRows',
          message: `Row ${this.rows} (line ${pl.number}) is past the limit of ${maxRows} devices per upload.`,
        });
      }
      return res.record;
    };

    for await (const batch of physicalLines(byteChunks(this.source), this.decoder, opts.maxLineLength ?? 1_000_000)) {
      for (const pl of batch) {
        this.lines = pl.number;
        if (pl.eol !== 'none') {
          eolCounts[pl.eol]++;
          if (firstEol === null) firstEol = pl.eol;
          else if (pl.eol !== firstEol && firstOtherEol === 0) firstOtherEol = pl.number;
        }
        if (!encodingChecked) {
          encodingChecked = true;
          this.checkStartEncoding();
        }
        if (pl.tooLong !== undefined) {
          this.file({
            line: pl.number,
            code: 'LineTooLong',
            message: `Line ${pl.number} is ${pl.tooLong.toLocaleString('en-US')} characters long; skipped.`,
          });
          continue;
        }
        const blank = pl.text.trim() === '';
        if (blank) {
          if (state !== 'noheader') this.file({ line: pl.number, code: 'BlankLine', message: `Line ${pl.number} is blank; skipped.` });
          continue;
        }
        if (state === 'rows') {
          const record = processRow(pl);
          if (record) yield record;
          continue;
        }
        if (state === 'noheader') {
          unchecked++;
          continue;
        }
        // Looking for the header.
        sawNonBlank = true;
        const candidate = recognizeHeader(pl.text);
        if (candidate) {
          const skipped = preamble.map((p) => p.number);
          for (const p of preamble) {
            this.file({ line: p.number, code: 'PreambleSkipped', message: `Line ${p.number} is not part of the table ("${p.text}"); skipped.` });
          }
          const analysis = analyzeHeader(pl.number, pl.text, candidate, skipped, strict);
          for (const d of analysis.diagnostics) this.file(d);
          state = startRows(analysis.dialect);
          continue;
        }
        if (preamble.length === 0 && looksLikeDataRow(pl.text)) {
          const values = splitLine(pl.text, ',').values.length;
          this.file({
            line: pl.number,
            code: 'InvalidHeader',
            message: `Line ${pl.number} is a device row, not the header; columns were read by position.`,
          });
          state = startRows(headerlessDialect(values));
          const record = processRow(pl);
          if (record) yield record;
          continue;
        }
        preamble.push({ number: pl.number, text: pl.text.length > 60 ? `${pl.text.slice(0, 59)}…` : pl.text });
        if (preamble.length >= maxPreamble) state = 'noheader';
      }
    }

    this.encoding = this.decoder.info();
    if (!encodingChecked) this.checkStartEncoding();
    if (!nonAsciiReported && this.encoding.name === 'utf-8') {
      this.file({ line: 1, code: 'UnsupportedEncoding', message: 'The file is UTF-8 with non-ASCII characters; Intune reads ANSI only.' });
    }
    if (this.decoder.mixed) {
      this.file({
        line: 1,
        code: 'MixedEncoding',
        message: `The file mixes UTF-8 (${this.decoder.utf8Sequences} characters) and windows-1252 bytes (${this.decoder.cp1252Bytes}).`,
      });
    }
    const kinds = (['crlf', 'lf', 'cr'] as const).filter((k) => eolCounts[k] > 0);
    this.lineEndings = kinds.length > 1 ? 'mixed' : (kinds[0] ?? 'none');
    if (kinds.length > 1) {
      this.file({
        line: firstOtherEol,
        code: 'MixedLineEndings',
        message: `Line endings differ: ${kinds.map((k) => `${eolCounts[k]} ${k.toUpperCase()}`).join(', ')} (line ${firstOtherEol} is the first that differs from line 1's ${(firstEol ?? 'crlf').toUpperCase()}).`,
      });
    }
    if (state === 'header' || state === 'noheader') {
      if (!sawNonBlank) {
        this.file({ line: 1, code: 'EmptyFile', message: this.decoder.bytes === 0 ? 'The file is empty.' : 'The file holds only blank lines.' });
      } else {
        const first = preamble[0]?.number ?? 1;
        this.file({
          line: first,
          code: 'InvalidHeader',
          message:
            `No Autopilot header in the first ${preamble.length} non-blank line${preamble.length === 1 ? '' : 's'}` +
            (unchecked > 0 ? `; ${unchecked} more line${unchecked === 1 ? ' was' : 's were'} not checked.` : '.'),
        });
      }
    } else if (this.rows === 0 && this.dialect) {
      this.file({ line: Math.max(1, this.dialect.headerLine), code: 'NoDataRows', message: 'The file has a header but no device rows.' });
    }
    this.fileDiagnostics.finish();
  }

  private checkStartEncoding(): void {
    const enc = this.decoder.info();
    this.encoding = enc;
    if (enc.name === 'utf-16le' || enc.name === 'utf-16be') {
      this.file({
        line: 1,
        code: 'UnsupportedEncoding',
        message: `The file is ${encodingLabel(enc)}${enc.name === 'utf-16le' && enc.bom ? ' (what Windows PowerShell 5.1 Out-File writes)' : ''}; Intune reads ANSI only.`,
      });
    } else if (enc.name === 'utf-8-bom') {
      this.file({ line: 1, code: 'UnsupportedEncoding', message: 'The file starts with a UTF-8 byte-order mark; Intune reads ANSI only.' });
    }
  }
}

/** Opens a CSV for streaming: `for await (const record of readCsv(path)) …`. */
export function readCsv(source: CsvSource, options: ReadCsvOptions = {}): CsvReader {
  return new CsvReader(source, options);
}
