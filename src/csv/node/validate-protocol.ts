// What the parallel validator (validate-parallel.ts) and its workers (validate-worker.ts) send each other.
import type { CsvDiagnostic, CsvDialect } from '../types.js';

export interface WorkerSetup {
  strict: boolean;
  dialect: CsvDialect;
  decode: boolean;
  maxLineLength: number;
  /** The line ending of the file's first line (MixedLineEndings names the first line that differs). */
  firstEol: 'crlf' | 'lf' | 'cr';
}

export interface BlockJob {
  id: number;
  buffer: ArrayBuffer;
  length: number;
  /** File offset of the block's first byte. */
  offset: number;
}

/** Event kinds, one per physical line. */
export const EV_ROW = 0;
export const EV_EMPTY_ROW = 1;
export const EV_TOO_LONG = 2;
export const EV_BLANK = 3;
/** Flags of a row event. */
export const FLAG_NON_ASCII = 1;
export const FLAG_VALID = 2;
export const FLAG_DIAGNOSTICS = 4;

export interface BlockResult {
  id: number;
  /** The block's buffer, handed back for reuse. */
  buffer: ArrayBuffer;
  lines: number;
  crlf: number;
  lf: number;
  cr: number;
  /** Local number of the first line whose ending differs from the file's first line's, or 0. */
  firstOtherEol: number;
  utf8Sequences: number;
  cp1252Bytes: number;
  /** File offset of the block's first windows-1252 byte, or -1. */
  firstCp1252At: number;
  /** File offset just past the line ending of the block's first row with a non-ASCII value, or -1. */
  firstNonAsciiEnd: number;
  /** Per event: kind, local line, flags (rows), a number (EmptyRow: value count; LineTooLong: length; row: capture
   *  seconds since 2000 or -1) and the number of identity keys. */
  kinds: Uint8Array;
  lineNumbers: Uint32Array;
  flags: Uint8Array;
  numbers: Float64Array;
  keyCounts: Uint8Array;
  /** Per key, in order: fingerprint (two u32) and the index of its kind's label in `kindLabels`. */
  keys: Uint32Array;
  kindLabels: string[];
  /** The diagnostics of the rows flagged FLAG_DIAGNOSTICS, in order (lines local). */
  diagnostics: CsvDiagnostic[][];
}
