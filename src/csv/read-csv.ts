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
import type { RowContext, RowResult } from './rules.js';
import { byteChunks } from './source.js';
import type {
  CsvDiagnostic,
  CsvDialect,
  CsvRecord,
  CsvSource,
  EncodingInfo,
  HashDecoder,
  LineEndings,
  ReadCsvOptions,
  TextEncodingName,
} from './types.js';

export const INTUNE_MAX_ROWS = 500;
export const PARTNER_MAX_ROWS = 1000;

/** Where the reader is in the file: looking for the header, reading device rows, or past the preamble limit. */
export type ReaderPhase = 'header' | 'rows' | 'noheader';

/**
 * The reader's line-by-line state machine: everything that happens to one physical line, and the file-level
 * diagnostics at the end. CsvReader drives it line by line; the parallel validator (node/validate-parallel.ts)
 * drives it for the header and replays its workers' row results through `applyRow`, `lineTooLong` and
 * `blankLine` in line order, so both produce the same diagnostics in the same order.
 */
export class ReaderCore {
  encoding: EncodingInfo | null = null;
  dialect: CsvDialect | null = null;
  lineEndings: LineEndings = 'none';
  lines = 0;
  rows = 0;
  phase: ReaderPhase = 'header';
  ctx: RowContext | null = null;
  readonly eolCounts = { crlf: 0, lf: 0, cr: 0 };
  firstEol: 'crlf' | 'lf' | 'cr' | null = null;
  firstOtherEol = 0;
  nonAsciiReported = false;
  private maxRows: number;
  private readonly preamble: { number: number; text: string }[] = [];
  private readonly maxPreamble: number;
  private readonly hashDecoder: HashDecoder | null;
  private encodingChecked = false;
  private sawNonBlank = false;
  private unchecked = 0;

  constructor(
    readonly strict: boolean,
    private readonly opts: ReadCsvOptions,
    readonly fileDiagnostics: DiagnosticCollector,
    /** The text decoder: its state at each row, and its verdict at the end. */
    readonly decoder: StreamingTextDecoder,
  ) {
    this.hashDecoder = (opts.decode ?? true) ? (opts.decoder ?? decodeHash) : null;
    this.maxPreamble = opts.maxPreambleLines ?? 30;
    this.maxRows = opts.maxRows ?? INTUNE_MAX_ROWS;
  }

  file(init: DiagnosticInit): void {
    this.fileDiagnostics.add(makeDiagnostic(init, this.strict));
  }

  private startRows(dialect: CsvDialect): void {
    this.dialect = dialect;
    this.ctx = rowContext(dialect, this.strict, this.hashDecoder, this.opts.detectDuplicates ?? true);
    if (this.opts.maxRows === undefined && dialect.name === 'partner') this.maxRows = PARTNER_MAX_ROWS;
    this.phase = 'rows';
  }

  /** Counts the line's ending (for lineEndings and MixedLineEndings). */
  countEol(pl: PhysicalLine): void {
    if (pl.eol !== 'none') {
      this.eolCounts[pl.eol]++;
      if (this.firstEol === null) this.firstEol = pl.eol;
      else if (pl.eol !== this.firstEol && this.firstOtherEol === 0) this.firstOtherEol = pl.number;
    }
  }

  lineTooLong(number: number, length: number): void {
    this.file({ line: number, code: 'LineTooLong', message: `Line ${number} is ${length.toLocaleString('en-US')} characters long; skipped.` });
  }

  blankLine(number: number): void {
    if (this.phase !== 'noheader') this.file({ line: number, code: 'BlankLine', message: `Line ${number} is blank; skipped.` });
  }

  /** One physical line, in file order; returns the device row it holds, if any. `encodingNow` is the decoder's
   *  verdict at this point of the stream (what the reader had decoded when it reached the line). */
  line(pl: PhysicalLine, encodingNow: () => TextEncodingName): CsvRecord | null {
    this.lines = pl.number;
    this.countEol(pl);
    if (!this.encodingChecked) {
      this.encodingChecked = true;
      this.checkStartEncoding();
    }
    if (pl.tooLong !== undefined) {
      this.lineTooLong(pl.number, pl.tooLong);
      return null;
    }
    if (pl.text.trim() === '') {
      this.blankLine(pl.number);
      return null;
    }
    if (this.phase === 'rows') return this.processRow(pl, encodingNow);
    if (this.phase === 'noheader') {
      this.unchecked++;
      return null;
    }
    // Looking for the header.
    const preamble = this.preamble;
    this.sawNonBlank = true;
    const candidate = recognizeHeader(pl.text);
    if (candidate) {
      const skipped = preamble.map((p) => p.number);
      for (const p of preamble) {
        this.file({ line: p.number, code: 'PreambleSkipped', message: `Line ${p.number} is not part of the table ("${p.text}"); skipped.` });
      }
      const analysis = analyzeHeader(pl.number, pl.text, candidate, skipped, this.strict);
      for (const d of analysis.diagnostics) this.file(d);
      this.startRows(analysis.dialect);
      return null;
    }
    if (preamble.length === 0 && looksLikeDataRow(pl.text)) {
      const values = splitLine(pl.text, ',').values.length;
      this.file({
        line: pl.number,
        code: 'InvalidHeader',
        message: `Line ${pl.number} is a device row, not the header; columns were read by position.`,
      });
      this.startRows(headerlessDialect(values));
      return this.processRow(pl, encodingNow);
    }
    preamble.push({ number: pl.number, text: pl.text.length > 60 ? `${pl.text.slice(0, 59)}…` : pl.text });
    if (preamble.length >= this.maxPreamble) this.phase = 'noheader';
    return null;
  }

  private processRow(pl: PhysicalLine, encodingNow: () => TextEncodingName): CsvRecord | null {
    const c = this.ctx;
    if (c === null) return null;
    return this.applyRow(pl.number, checkRow(c, pl.number, splitLine(pl.text, c.dialect.delimiter)), encodingNow);
  }

  /** What follows a data line's checks, in line order: the encoding verdict at the first non-ASCII value, EmptyRow,
   *  the row count and the row limit. */
  applyRow(number: number, res: RowResult, encodingNow: () => TextEncodingName): CsvRecord | null {
    if (res.nonAscii && !this.nonAsciiReported) {
      this.nonAsciiReported = true;
      if (encodingNow() === 'utf-8') {
        this.file({
          line: number,
          code: 'UnsupportedEncoding',
          message: `The file is UTF-8 with non-ASCII characters (first on line ${number}); Intune reads ANSI only.`,
        });
      }
    }
    if (res.record === null) {
      this.fileDiagnostics.addAll(res.diagnostics);
      return null;
    }
    this.rows++;
    if (this.rows === this.maxRows + 1) {
      this.file({
        line: number,
        code: 'TooManyRows',
        message: `Row ${this.rows} (line ${number}) is past the limit of ${this.maxRows} devices per upload.`,
      });
    }
    return res.record;
  }

  /** The file-level verdicts once every line was seen; sorts the diagnostics. */
  finish(): void {
    const decoder = this.decoder;
    this.encoding = decoder.info();
    if (!this.encodingChecked) this.checkStartEncoding();
    if (!this.nonAsciiReported && this.encoding.name === 'utf-8') {
      this.file({ line: 1, code: 'UnsupportedEncoding', message: 'The file is UTF-8 with non-ASCII characters; Intune reads ANSI only.' });
    }
    if (decoder.mixed) {
      this.file({
        line: 1,
        code: 'MixedEncoding',
        message: `The file mixes UTF-8 (${decoder.utf8Sequences} characters) and windows-1252 bytes (${decoder.cp1252Bytes}).`,
      });
    }
    const { eolCounts, firstOtherEol, firstEol } = this;
    const kinds = (['crlf', 'lf', 'cr'] as const).filter((k) => eolCounts[k] > 0);
    this.lineEndings = kinds.length > 1 ? 'mixed' : (kinds[0] ?? 'none');
    if (kinds.length > 1) {
      this.file({
        line: firstOtherEol,
        code: 'MixedLineEndings',
        message: `Line endings differ: ${kinds.map((k) => `${eolCounts[k]} ${k.toUpperCase()}`).join(', ')} (line ${firstOtherEol} is the first that differs from line 1's ${(firstEol ?? 'crlf').toUpperCase()}).`,
      });
    }
    if (this.phase === 'header' || this.phase === 'noheader') {
      if (!this.sawNonBlank) {
        this.file({ line: 1, code: 'EmptyFile', message: decoder.bytes === 0 ? 'The file is empty.' : 'The file holds only blank lines.' });
      } else {
        const first = this.preamble[0]?.number ?? 1;
        const n = this.preamble.length;
        this.file({
          line: first,
          code: 'InvalidHeader',
          message:
            `No Autopilot header in the first ${n} non-blank line${n === 1 ? '' : 's'}` +
            (this.unchecked > 0 ? `; ${this.unchecked} more line${this.unchecked === 1 ? ' was' : 's were'} not checked.` : '.'),
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

/**
 * Reads an Autopilot CSV as a stream of checked records. Iterate it once with `for await`; afterwards `encoding`,
 * `dialect`, `lineEndings`, `lines`, `rows` and `diagnostics` (the ones that belong to no row: encoding, header,
 * report rows, blank lines, row limit) describe the whole file. Each record carries its own diagnostics.
 */
export class CsvReader implements AsyncIterable<CsvRecord> {
  readonly strict: boolean;
  private readonly core: ReaderCore;
  private started = false;

  constructor(
    private readonly source: CsvSource,
    private readonly options: ReadCsvOptions = {},
    /** Internal: validateCsv shares one collector for file and row diagnostics. */
    collector?: DiagnosticCollector,
  ) {
    this.strict = options.strict ?? false;
    this.core = new ReaderCore(this.strict, options, collector ?? new DiagnosticCollector(200), new StreamingTextDecoder());
  }

  get encoding(): EncodingInfo | null {
    return this.core.encoding;
  }

  get dialect(): CsvDialect | null {
    return this.core.dialect;
  }

  get lineEndings(): LineEndings {
    return this.core.lineEndings;
  }

  /** Physical lines read so far. */
  get lines(): number {
    return this.core.lines;
  }

  /** Data rows yielded so far. */
  get rows(): number {
    return this.core.rows;
  }

  /** Diagnostics that belong to no row, sorted by line (complete once iteration has finished). */
  get diagnostics(): readonly CsvDiagnostic[] {
    return this.core.fileDiagnostics.list;
  }

  [Symbol.asyncIterator](): AsyncIterator<CsvRecord> {
    if (this.started) throw new Error('A CsvReader can be iterated only once; open the source again.');
    this.started = true;
    return this.run();
  }

  private async *run(): AsyncGenerator<CsvRecord> {
    const core = this.core;
    const decoder = core.decoder;
    // The verdict so far: each chunk's lines are handled after the chunk was decoded, before the next one is.
    const encodingNow = (): TextEncodingName => decoder.info().name;
    for await (const batch of physicalLines(byteChunks(this.source), decoder, this.options.maxLineLength ?? 1_000_000)) {
      for (const pl of batch) {
        const record = core.line(pl, encodingNow);
        if (record) yield record;
      }
    }
    core.finish();
  }
}

/** Opens a CSV for streaming: `for await (const record of readCsv(path)) …`. */
export function readCsv(source: CsvSource, options: ReadCsvOptions = {}): CsvReader {
  return new CsvReader(source, options);
}
