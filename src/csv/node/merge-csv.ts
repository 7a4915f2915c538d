// mergeCsv: several CSVs → one canonical CSV with one row per device. Rows are the same device when they share an
// identity key (transitively); the latest capture (time inside the hash) wins, ties go to the later file/line.
// Two passes: the first keeps only small facts per row (file, line, capture time, keys); the second writes.
import { ChangeLog, canonicalRow } from '../canonical-row.js';
import { rewindable } from './rewindable.js';
import type { CsvChange } from '../canonical-row.js';
import { DiagnosticCollector } from '../diagnostics.js';
import { dropReason } from './fix-csv.js';
import { KeyIndex } from '../key-index.js';
import type { DroppedRow } from './fix-csv.js';
import { CsvReader, INTUNE_MAX_ROWS, PARTNER_MAX_ROWS } from '../read-csv.js';
import { sourceName } from '../source.js';
import type { CsvDiagnostic, CsvDiagnosticCode, CsvDialect, CsvSource, EncodingInfo, HashDecoder } from '../types.js';
import { formatRow, headerLine } from '../write-csv.js';
import { writeLines } from './write-csv-node.js';
import type { IntuneColumns, OutputDialect } from '../write-csv.js';
import type { Writable } from 'node:stream';

export interface MergeDroppedRow extends DroppedRow {
  file: string;
  /** For a superseded duplicate: the row that was kept instead. */
  keptFile?: string;
  keptLine?: number;
}

export interface MergeInputSummary {
  file: string;
  encoding: EncodingInfo | null;
  dialect: CsvDialect | null;
  rows: number;
  written: number;
  /** This input's diagnostics (lenient; duplicates are judged across all inputs instead). */
  diagnostics: CsvDiagnostic[];
}

export interface MergeCsvResult {
  output: string;
  outputDialect: OutputDialect;
  columns: number;
  inputs: MergeInputSummary[];
  rowsRead: number;
  rowsWritten: number;
  /** Every row not written, with why: errors, or `ZtdDeviceDuplicated` (superseded by a later capture). */
  dropped: MergeDroppedRow[];
  changes: CsvChange[];
}

export interface MergeCsvOptions {
  decoder?: HashDecoder;
  maxWarningsPerCode?: number;
  /** Names for the inputs in reports (default: the path, or `input #n`). */
  names?: string[];
}

interface Candidate {
  input: number;
  line: number;
  /** Capture time in ms since epoch (NaN when unknown: loses to any known time). */
  captured: number;
  capturedAt: string | null;
  groupTag: boolean;
  assignedUser: boolean;
  hasHash: boolean;
}

/** Union-find over candidate ids. */
class DisjointSets {
  private readonly parent: number[] = [];
  add(): number {
    this.parent.push(this.parent.length);
    return this.parent.length - 1;
  }
  find(x: number): number {
    let r = x;
    while (this.parent[r] !== r) r = this.parent[r];
    while (this.parent[x] !== r) {
      const next = this.parent[x];
      this.parent[x] = r;
      x = next;
    }
    return r;
  }
  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent[Math.max(ra, rb)] = Math.min(ra, rb);
  }
}

/** True when candidate a should be kept over b. */
function beats(a: Candidate, b: Candidate): boolean {
  const ta = Number.isNaN(a.captured) ? -Infinity : a.captured;
  const tb = Number.isNaN(b.captured) ? -Infinity : b.captured;
  if (ta !== tb) return ta > tb;
  if (a.input !== b.input) return a.input > b.input;
  return a.line > b.line;
}

export async function mergeCsv(inputs: CsvSource[], output: string | Writable, options: MergeCsvOptions = {}): Promise<MergeCsvResult> {
  const sources: { source: string | Uint8Array; cleanup: () => Promise<void> }[] = [];
  try {
    for (const input of inputs) sources.push(await rewindable(input));
    const names = inputs.map((s, i) => options.names?.[i] ?? (typeof s === 'string' ? sourceName(s) : `input #${i + 1}`));
    return await mergeRewindable(
      sources.map((s) => s.source),
      names,
      output,
      options,
    );
  } finally {
    for (const s of sources) await s.cleanup();
  }
}

async function mergeRewindable(
  sources: (string | Uint8Array)[],
  names: string[],
  output: string | Writable,
  options: MergeCsvOptions,
): Promise<MergeCsvResult> {
  const readOptions = { strict: false, decoder: options.decoder, detectDuplicates: false };
  const candidates: Candidate[] = [];
  const sets = new DisjointSets();
  const keyOwner = new KeyIndex();
  const dropped: MergeDroppedRow[] = [];
  const summaries: MergeInputSummary[] = [];
  let rowsRead = 0;
  let allPartner = sources.length > 0;

  // Pass 1.
  for (let i = 0; i < sources.length; i++) {
    const collector = new DiagnosticCollector(options.maxWarningsPerCode ?? 200);
    const reader = new CsvReader(sources[i], readOptions, collector);
    for await (const record of reader) {
      collector.addAll(record.diagnostics);
      if (!record.valid) {
        dropped.push({ file: names[i], line: record.line, ...dropReason(record.diagnostics) });
        continue;
      }
      const c = canonicalRow(record, null);
      if (c.dropReason) {
        dropped.push({ file: names[i], line: record.line, reason: c.dropReason, codes: [c.dropCode ?? 'NonAsciiValue'] });
        continue;
      }
      const id = sets.add();
      const captured = record.capturedAt ? Date.parse(record.capturedAt) : NaN;
      candidates.push({
        input: i,
        line: record.line,
        captured,
        capturedAt: record.capturedAt,
        groupTag: Boolean(c.row.groupTag),
        assignedUser: Boolean(c.row.assignedUser),
        hasHash: c.row.hardwareHash !== '',
      });
      for (const key of record.identityKeys) {
        const owner = keyOwner.setIfAbsent(key, id);
        if (owner !== id) sets.union(id, owner);
      }
    }
    for (const d of collector.list) {
      if (d.code === 'LineTooLong') dropped.push({ file: names[i], line: d.line, reason: `${d.code}: ${d.message}`, codes: [d.code] });
    }
    if (reader.dialect === null) {
      dropped.push({ file: names[i], line: 1, reason: 'No Autopilot header found; the file was not merged', codes: ['InvalidHeader'] });
    }
    if (reader.dialect?.name !== 'partner') allPartner = false;
    rowsRead += reader.rows;
    summaries.push({ file: names[i], encoding: reader.encoding, dialect: reader.dialect, rows: reader.rows, written: 0, diagnostics: collector.list });
  }
  const outputDialect: OutputDialect = allPartner ? 'partner' : 'intune';

  // Winners per device.
  const best = new Map<number, number>();
  candidates.forEach((c, id) => {
    if (outputDialect === 'intune' && !c.hasHash) return;
    const root = sets.find(id);
    const current = best.get(root);
    if (current === undefined || beats(c, candidates[current])) best.set(root, id);
  });
  const keep: Set<number>[] = sources.map(() => new Set<number>());
  let groupTag = false;
  let assignedUser = false;
  candidates.forEach((c, id) => {
    if (outputDialect === 'intune' && !c.hasHash) {
      dropped.push({ file: names[c.input], line: c.line, reason: 'No hardware hash: an Intune CSV cannot carry this partner row', codes: ['EmptyHardwareHash'] });
      return;
    }
    const winnerId = best.get(sets.find(id)) as number;
    if (winnerId === id) {
      keep[c.input].add(c.line);
      if (c.groupTag) groupTag = true;
      if (c.assignedUser) assignedUser = true;
      return;
    }
    const w = candidates[winnerId];
    const why =
      Number.isNaN(c.captured) || Number.isNaN(w.captured) || c.captured !== w.captured
        ? `captured ${c.capturedAt ?? 'at an unknown time'}; ${names[w.input]} line ${w.line} was captured later (${w.capturedAt ?? 'unknown'})`
        : `same capture time ${c.capturedAt}; the later row ${names[w.input]} line ${w.line} was kept`;
    dropped.push({
      file: names[c.input],
      line: c.line,
      reason: `Same device as ${names[w.input]} line ${w.line}: ${why}`,
      codes: ['ZtdDeviceDuplicated' as CsvDiagnosticCode],
      keptFile: names[w.input],
      keptLine: w.line,
    });
  });
  const columns: IntuneColumns = assignedUser ? 5 : groupTag ? 4 : 3;

  // Pass 2.
  const log = new ChangeLog();
  let written = 0;
  await writeLines(output, headerLine(outputDialect, columns), async (sink) => {
    for (let i = 0; i < sources.length; i++) {
      if (keep[i].size === 0) continue;
      const reader = new CsvReader(sources[i], readOptions);
      for await (const record of reader) {
        if (!keep[i].has(record.line)) continue;
        const c = canonicalRow(record, log, names[i]);
        await sink.write(formatRow(c.row, outputDialect, columns));
        summaries[i].written++;
        written++;
      }
    }
  });
  const limit = outputDialect === 'partner' ? PARTNER_MAX_ROWS : INTUNE_MAX_ROWS;
  if (written > limit) log.add('tooManyRows', `${written} rows written: more than one upload takes (${limit}); split the file before importing`);
  dropped.sort((a, b) => (a.file === b.file ? a.line - b.line : names.indexOf(a.file) - names.indexOf(b.file)));
  return {
    output: typeof output === 'string' ? output : '<stream>',
    outputDialect,
    columns: outputDialect === 'partner' ? 5 : columns,
    inputs: summaries,
    rowsRead,
    rowsWritten: written,
    dropped,
    changes: log.list,
  };
}
