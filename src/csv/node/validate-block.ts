// The per-block work of the parallel validator (validate-parallel.ts): run by its worker threads
// (validate-worker.ts) and by the main thread itself between its other duties. Node-only (it is only used there).
//
// A block starts at a line start and ends right after a line feed (the last block may end anywhere). It is decoded
// and split exactly as the reader does (no sniffing: the main thread already read the file's start), and each line
// gets the per-row rules (checkRow) with duplicate detection off. What comes back, per line and in line order, is
// what the main thread needs to replay the reader (ReaderCore): line endings, LineTooLong, BlankLine, EmptyRow, and
// per device row its diagnostics, its identity keys as fingerprints (the key index the main thread keeps) and its
// capture time (for the duplicate message). Line numbers are local to the block (1 = its first line); the main
// thread adds the lines before it. Messages that quote a line number are built on the main thread.
import '../../hash/platform-node.js';
import { captureSecondsOf } from '../../hash/decode.js';
import { decodeHash } from '../codec.js';
import { StreamingTextDecoder } from '../encoding.js';
import { splitLine } from '../fields.js';
import { keyFingerprint } from '../key-index.js';
import { LineSplitter } from '../lines.js';
import { checkRow, isTrusted, keyKind, rowContext, type RowContext } from '../rules.js';
import type { CsvDiagnostic } from '../types.js';
import { EV_BLANK, EV_EMPTY_ROW, EV_ROW, EV_TOO_LONG, FLAG_DIAGNOSTICS, FLAG_NON_ASCII, FLAG_VALID } from './validate-protocol.js';
import type { BlockJob, BlockResult, WorkerSetup } from './validate-protocol.js';

/** The kinds of key the codec makes, and their labels in the duplicate message (keyKind's): a key's label index
 *  without slicing the key. */
const KNOWN_PREFIXES = ['tuple:', 'uuid:', 'pkid:', 'ek:'];
const KNOWN_LABELS = KNOWN_PREFIXES.map(keyKind);

/** The index of the key's kind in KNOWN_LABELS, or -1 for any other kind. */
function knownKind(key: string): number {
  const i = key.charCodeAt(0) === 0x74 ? 0 : key.charCodeAt(0) === 0x75 ? 1 : key.charCodeAt(0) === 0x70 ? 2 : key.charCodeAt(0) === 0x65 ? 3 : -1;
  return i >= 0 && key.startsWith(KNOWN_PREFIXES[i]) ? i : -1;
}

/** The rules' context for blocks of the file `setup` describes (duplicates are the main thread's). */
export function blockContext(setup: WorkerSetup): RowContext {
  return rowContext(setup.dialect, setup.strict, setup.decode ? decodeHash : null, false);
}

const fp = new Uint32Array(2);

/** File offset just past the line ending of local line `n` (CRLF, LF or a lone CR end a line, as in lines.ts). */
function endOfLine(b: Uint8Array, n: number, offset: number): number {
  let line = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 10 || c === 13) {
      if (c === 13 && b[i + 1] === 10) i++;
      if (++line === n) return offset + i + 1;
    }
  }
  return offset + b.length;
}

export function checkBlock(job: BlockJob, setup: WorkerSetup, ctx: RowContext): BlockResult {
  const bytes = new Uint8Array(job.buffer, 0, job.length);
  const decoder = new StreamingTextDecoder(true);
  const text = decoder.write(bytes) + decoder.end();
  const lines = new LineSplitter(setup.maxLineLength).push(text, true);
  const n = lines.length;
  const kinds = new Uint8Array(n);
  const lineNumbers = new Uint32Array(n);
  const flags = new Uint8Array(n);
  const numbers = new Float64Array(n);
  const keyCounts = new Uint8Array(n);
  let keys = new Uint32Array(n * 12 + 12);
  let k = 0;
  const kindLabels = [...KNOWN_LABELS];
  const diagnostics: CsvDiagnostic[][] = [];
  const eol = { crlf: 0, lf: 0, cr: 0 };
  let firstOtherEol = 0;
  let firstNonAsciiLine = 0;
  const delimiter = ctx.dialect.delimiter;
  for (let e = 0; e < n; e++) {
    const pl = lines[e];
    lineNumbers[e] = pl.number;
    if (pl.eol !== 'none') {
      eol[pl.eol]++;
      if (pl.eol !== setup.firstEol && firstOtherEol === 0) firstOtherEol = pl.number;
    }
    // The same order of checks as ReaderCore.line in the rows phase.
    if (pl.tooLong !== undefined) {
      kinds[e] = EV_TOO_LONG;
      numbers[e] = pl.tooLong;
      continue;
    }
    if (pl.text.trim() === '') {
      kinds[e] = EV_BLANK;
      continue;
    }
    const split = splitLine(pl.text, delimiter);
    const res = checkRow(ctx, pl.number, split);
    const record = res.record;
    if (record === null) {
      kinds[e] = EV_EMPTY_ROW;
      numbers[e] = split.values.length;
      continue;
    }
    kinds[e] = EV_ROW;
    let f = record.valid ? FLAG_VALID : 0;
    if (res.nonAscii) {
      f |= FLAG_NON_ASCII;
      if (firstNonAsciiLine === 0) firstNonAsciiLine = pl.number;
    }
    if (res.diagnostics.length > 0) {
      f |= FLAG_DIAGNOSTICS;
      diagnostics.push(res.diagnostics);
    }
    flags[e] = f;
    const ids = record.identityKeys;
    keyCounts[e] = ids.length;
    numbers[e] = ids.length > 0 && isTrusted(record) && record.decoded ? captureSecondsOf(record.decoded) : -1;
    if (k + ids.length * 3 > keys.length) {
      const grown = new Uint32Array(keys.length * 2 + ids.length * 3);
      grown.set(keys);
      keys = grown;
    }
    for (const key of ids) {
      keyFingerprint(key, fp, 0);
      let li = knownKind(key);
      if (li < 0) {
        const label = keyKind(key);
        li = kindLabels.indexOf(label);
        if (li < 0) li = kindLabels.push(label) - 1;
      }
      keys[k++] = fp[0];
      keys[k++] = fp[1];
      keys[k++] = li;
    }
  }
  return {
    id: job.id,
    buffer: job.buffer,
    lines: n,
    ...eol,
    firstOtherEol,
    utf8Sequences: decoder.utf8Sequences,
    cp1252Bytes: decoder.cp1252Bytes,
    firstCp1252At: decoder.firstCp1252At < 0 ? -1 : job.offset + decoder.firstCp1252At,
    firstNonAsciiEnd: firstNonAsciiLine === 0 ? -1 : endOfLine(bytes, firstNonAsciiLine, job.offset),
    kinds,
    lineNumbers,
    flags,
    numbers,
    keyCounts,
    keys: keys.slice(0, k),
    kindLabels,
    diagnostics,
  };
}
