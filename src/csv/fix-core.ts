// fixCsv's engine, browser-safe: read any Autopilot CSV leniently and write the canonical file that strict mode
// accepts, listing every change and every row left out. Two passes over the source (the second re-reads it), so
// memory stays flat. Where the lines go is the caller's: a file or stream (node/fix-csv.ts, `tarmac csv fix`) or a
// string (fixCsvText, the web console's "Download fixed CSV").
import { ChangeLog, canonicalRow } from './canonical-row.js';
import type { CsvChange } from './canonical-row.js';
import { DiagnosticCollector } from './diagnostics.js';
import { encodingLabel } from './encoding.js';
import { CsvReader, INTUNE_MAX_ROWS, PARTNER_MAX_ROWS } from './read-csv.js';
import type { CsvDiagnostic, CsvDiagnosticCode, CsvDialect, EncodingInfo, HashDecoder } from './types.js';
import { formatRow, headerLine } from './write-csv.js';
import type { IntuneColumns, OutputDialect } from './write-csv.js';

/** Receives the canonical file's lines (without line ends). */
export interface LineSinkLike {
  write(line: string): Promise<void>;
}

/** Writes `header`, then what `writeRows` writes, somewhere; resolves once all is written. */
export type LineWriter = (header: string, writeRows: (sink: LineSinkLike) => Promise<void>) => Promise<void>;

export interface DroppedRow {
  /** The input file (mergeCsv) or undefined (fixCsv). */
  file?: string;
  line: number;
  /** The first error, in words. */
  reason: string;
  codes: CsvDiagnosticCode[];
}

export interface FixCsvOptions {
  decoder?: HashDecoder;
  /** Listed input warnings per code (default 200). */
  maxWarningsPerCode?: number;
}

export interface FixCsvResult {
  /** Where the output went (the path, `<stream>`), or null when nothing could be written (no header found). */
  output: string | null;
  inputEncoding: EncodingInfo | null;
  inputDialect: CsvDialect | null;
  outputDialect: OutputDialect;
  columns: number;
  rowsRead: number;
  rowsWritten: number;
  changes: CsvChange[];
  dropped: DroppedRow[];
  /** The input's diagnostics in lenient mode (what was wrong before fixing). */
  diagnostics: CsvDiagnostic[];
}

export function dropReason(diagnostics: readonly CsvDiagnostic[]): { reason: string; codes: CsvDiagnosticCode[] } {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  return {
    reason: errors.map((d) => `${d.code}: ${d.message}`).join(' | ') || 'row has errors',
    codes: [...new Set(errors.map((d) => d.code))],
  };
}

export async function fixCsvSource(
  source: string | Uint8Array,
  write: LineWriter,
  options: FixCsvOptions = {},
): Promise<Omit<FixCsvResult, 'output'> & { written: boolean }> {
  const readOptions = { strict: false, decoder: options.decoder };

  // Pass 1: validate; learn which rows are written and which columns they need.
  const collector = new DiagnosticCollector(options.maxWarningsPerCode ?? 200);
  const first = new CsvReader(source, readOptions, collector);
  const dropped: DroppedRow[] = [];
  const droppedLines = new Set<number>();
  let groupTag = false;
  let assignedUser = false;
  for await (const record of first) {
    if (!record.valid) {
      dropped.push({ line: record.line, ...dropReason(record.diagnostics) });
      droppedLines.add(record.line);
      collector.addAll(record.diagnostics);
      continue;
    }
    collector.addAll(record.diagnostics);
    const c = canonicalRow(record, null);
    if (c.dropReason) {
      dropped.push({ line: record.line, reason: c.dropReason, codes: [c.dropCode ?? 'NonAsciiValue'] });
      droppedLines.add(record.line);
      continue;
    }
    if (c.row.groupTag) groupTag = true;
    if (c.row.assignedUser) assignedUser = true;
  }
  const dialect = first.dialect;
  const diagnostics = collector.list;
  for (const d of diagnostics) {
    if (d.code === 'LineTooLong') dropped.push({ line: d.line, reason: `${d.code}: ${d.message}`, codes: [d.code] });
  }
  dropped.sort((a, b) => a.line - b.line);

  const base = {
    inputEncoding: first.encoding,
    inputDialect: dialect,
    rowsRead: first.rows,
    dropped,
    diagnostics,
  };
  if (dialect === null) {
    return { ...base, written: false, outputDialect: 'intune', columns: 0, rowsWritten: 0, changes: [] };
  }
  const outputDialect: OutputDialect = dialect.name === 'partner' ? 'partner' : 'intune';
  const columns: IntuneColumns = assignedUser ? 5 : groupTag ? 4 : 3;

  // File-level changes.
  const log = new ChangeLog();
  const enc = first.encoding;
  if (enc && enc.name !== 'ascii') log.add('reencoded', `Re-encoded from ${encodingLabel(enc)} to ASCII`);
  if (first.lineEndings !== 'crlf' && first.lineEndings !== 'none') log.add('lineEndings', `Line endings changed from ${first.lineEndings.toUpperCase()} to CRLF`);
  if (dialect.delimiter !== ',') log.add('delimiterChanged', `Delimiter changed from "${dialect.delimiter === '\t' ? 'tab' : dialect.delimiter}" to ","`);
  const byCode = (code: CsvDiagnosticCode) => diagnostics.filter((d) => d.code === code);
  const preamble = dialect.skippedLines;
  if (preamble.length > 0) log.add('preambleRemoved', `${preamble.length} report line${preamble.length > 1 ? 's' : ''} before the header removed`, preamble);
  const newHeader = headerLine(outputDialect, columns);
  if (dialect.name === 'headerless') {
    log.add('headerAdded', `Header added: ${newHeader}`);
  } else {
    const headerText = dialect.headerText;
    const orderId = dialect.columns.find((c) => c.field === 'groupTag' && c.header.replace(/\s/g, '').toLowerCase() !== 'grouptag');
    if (orderId) log.add('groupTagColumnRenamed', `Column "${orderId.header}" renamed "Group Tag"`, [dialect.headerLine]);
    const dropped = dialect.columns.filter((c) => c.field === null || (outputDialect === 'intune' && (c.field === 'manufacturer' || c.field === 'model')));
    if (dropped.length > 0) {
      log.add('columnsRemoved', `Column${dropped.length > 1 ? 's' : ''} ${dropped.map((c) => `"${c.header || `#${c.index + 1}`}"`).join(', ')} removed`, [dialect.headerLine]);
    }
    if (!dialect.exact || headerText !== newHeader) {
      log.add('headerNormalised', `Header '${headerText}' written as '${newHeader}'`, [dialect.headerLine]);
    }
  }
  const blank = byCode('BlankLine').map((d) => d.line);
  if (blank.length > 0) log.add('blankLinesRemoved', `${blank.length} blank line${blank.length > 1 ? 's' : ''} removed`, blank);
  const empty = byCode('EmptyRow').map((d) => d.line);
  if (empty.length > 0) log.add('emptyRowsRemoved', `${empty.length} empty row${empty.length > 1 ? 's' : ''} removed`, empty);

  // Pass 2: write.
  let written = 0;
  await write(newHeader, async (sink) => {
    const second = new CsvReader(source, readOptions);
    for await (const record of second) {
      if (!record.valid || droppedLines.has(record.line)) continue;
      const c = canonicalRow(record, log);
      if (c.dropReason) continue;
      await sink.write(formatRow(c.row, outputDialect, columns));
      written++;
    }
  });
  if (dropped.length > 0) {
    log.add('rowsDropped', `${dropped.length} row${dropped.length > 1 ? 's' : ''} with errors left out`, dropped.map((d) => d.line));
  }
  const limit = outputDialect === 'partner' ? PARTNER_MAX_ROWS : INTUNE_MAX_ROWS;
  if (written > limit) {
    log.add('tooManyRows', `${written} rows written: more than one upload takes (${limit}); split the file before importing`);
  }
  return {
    ...base,
    written: true,
    outputDialect,
    columns: outputDialect === 'partner' ? 5 : columns,
    rowsWritten: written,
    changes: log.list,
  };
}

/**
 * fixCsv on bytes in memory, for the browser: the same result, with the canonical file as `text` (ASCII, CRLF), or
 * `text` null when nothing could be written (no header found).
 */
export async function fixCsvText(source: Uint8Array, options: FixCsvOptions = {}): Promise<Omit<FixCsvResult, 'output'> & { text: string | null }> {
  const parts: string[] = [];
  const { written, ...result } = await fixCsvSource(source, async (header, writeRows) => {
    parts.push(header, '\r\n');
    await writeRows({
      write: async (line) => {
        parts.push(line, '\r\n');
      },
    });
  }, options);
  return { ...result, text: written ? parts.join('') : null };
}
