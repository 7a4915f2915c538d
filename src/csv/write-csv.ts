// The canonical writer: ASCII, CRLF, the exact header with the fewest columns needed, no quotes, padded base64.
// Its output is what strict mode accepts.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { INTUNE_HEADER, PARTNER_HEADER } from './dialect.js';

/** Printable ASCII without quotation mark and comma. */
const SAFE_CELL = /^[\x20\x21\x23-\x2b\x2d-\x7e]*$/;

export type OutputDialect = 'intune' | 'partner';
export type IntuneColumns = 3 | 4 | 5;

/** One row to write. Values must already be valid; `toAsciiValue` is applied to free-text values. */
export interface WritableRow {
  serialNumber: string;
  productKeyId: string;
  /** Padded base64 (empty for partner rows registered by PKID or tuple). */
  hardwareHash: string;
  groupTag?: string;
  assignedUser?: string;
  manufacturer?: string;
  model?: string;
}

export interface WriteCsvOptions {
  /** `intune` (default) or `partner` (Get-WindowsAutopilotInfo -Partner header). */
  dialect?: OutputDialect;
  /** Intune columns to write; computed from the rows when they are an array, required for other iterables. */
  columns?: IntuneColumns;
}

/** 3 when no row has a group tag or user, 4 with a group tag only, 5 when some row has an assigned user. */
export function columnsNeeded(rows: Iterable<Pick<WritableRow, 'groupTag' | 'assignedUser'>>): IntuneColumns {
  let columns: IntuneColumns = 3;
  for (const r of rows) {
    if (r.assignedUser) return 5;
    if (r.groupTag) columns = 4;
  }
  return columns;
}

export function headerLine(dialect: OutputDialect, columns: IntuneColumns = 3): string {
  return dialect === 'partner' ? PARTNER_HEADER.join(',') : INTUNE_HEADER.slice(0, columns).join(',');
}

/**
 * Makes a value safe for the canonical file: accents removed (é → e, ß → ss), whitespace trimmed. `exact` is false
 * when anything changed; `lossy` is true when a character had to be dropped (no ASCII equivalent, a quotation mark,
 * a delimiter or a control character), i.e. the value's meaning may have changed.
 */
export function toAsciiValue(value: string): { value: string; exact: boolean; lossy: boolean } {
  if (SAFE_CELL.test(value) && value.trim() === value) return { value, exact: true, lossy: false };
  const transliterated = value
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßæœÆŒøØłŁđĐ]/g, (c) => TRANSLITERATION[c] ?? c)
    .trim();
  const out = transliterated.replace(/[^\x20-\x7e]|[",]/g, '');
  return { value: out, exact: out === value, lossy: out !== transliterated };
}

const TRANSLITERATION: Readonly<Record<string, string>> = { ß: 'ss', æ: 'ae', œ: 'oe', Æ: 'AE', Œ: 'OE', ø: 'o', Ø: 'O', ł: 'l', Ł: 'L', đ: 'd', Đ: 'D' };

export function formatRow(row: WritableRow, dialect: OutputDialect, columns: IntuneColumns = 3): string {
  const cells =
    dialect === 'partner'
      ? [row.serialNumber, row.productKeyId, row.hardwareHash, row.manufacturer ?? '', row.model ?? '']
      : [row.serialNumber, row.productKeyId, row.hardwareHash, row.groupTag ?? '', row.assignedUser ?? ''].slice(0, columns);
  for (let i = 0; i < cells.length; i++) {
    const c = cells[i];
    if (!SAFE_CELL.test(c)) {
      throw new Error(`Cannot write "${c}" into a canonical Autopilot CSV (non-ASCII, quotation mark, comma or control character).`);
    }
  }
  return cells.join(',');
}

/** Writes text to a Writable, honouring back-pressure. */
export class LineSink {
  private buffer: string[] = [];
  private size = 0;
  constructor(private readonly out: Writable) {}

  async write(line: string): Promise<void> {
    this.buffer.push(line, '\r\n');
    this.size += line.length + 2;
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.size === 0) return;
    const chunk = Buffer.from(this.buffer.join(''), 'latin1');
    this.buffer = [];
    this.size = 0;
    if (!this.out.write(chunk)) await once(this.out, 'drain');
  }
}

/**
 * Writes `header`, then the lines `writeRows` writes to the sink, to `output`: a path through a temporary file that
 * is renamed into place once all is written (a failure leaves nothing behind), a Writable left open.
 */
export async function writeLines(output: string | Writable, header: string, writeRows: (sink: LineSink) => Promise<void>): Promise<void> {
  const target = await openOutput(output);
  const sink = new LineSink(target.stream);
  try {
    await sink.write(header);
    await writeRows(sink);
    await sink.flush();
    await target.commit();
  } catch (err) {
    await target.abort();
    throw err;
  }
}

/** Opens a path for writing through a temporary file that is renamed into place on success. */
async function openOutput(output: string | Writable): Promise<{ stream: Writable; commit: () => Promise<void>; abort: () => Promise<void> }> {
  if (typeof output !== 'string') {
    return { stream: output, commit: async () => {}, abort: async () => {} };
  }
  const tmp = `${output}.tmp-${process.pid}-${Date.now()}`;
  const stream = createWriteStream(tmp);
  await once(stream, 'open');
  return {
    stream,
    commit: async () => {
      stream.end();
      await once(stream, 'finish');
      await rename(tmp, output);
    },
    abort: async () => {
      stream.destroy();
      await rm(tmp, { force: true });
    },
  };
}

/**
 * Writes rows as a canonical CSV to a path (atomically) or a Writable (left open). Returns the number of rows and
 * the columns written.
 */
export async function writeCsv(
  rows: Iterable<WritableRow> | AsyncIterable<WritableRow>,
  output: string | Writable,
  options: WriteCsvOptions = {},
): Promise<{ rows: number; columns: number; dialect: OutputDialect }> {
  const dialect = options.dialect ?? 'intune';
  let columns = options.columns;
  if (columns === undefined) {
    if (!Array.isArray(rows)) throw new TypeError('writeCsv: pass options.columns when rows are not an array.');
    columns = columnsNeeded(rows as WritableRow[]);
  }
  let n = 0;
  await writeLines(output, headerLine(dialect, columns), async (sink) => {
    for await (const row of rows) {
      await sink.write(formatRow(row, dialect, columns));
      n++;
    }
  });
  return { rows: n, columns: dialect === 'partner' ? 5 : columns, dialect };
}

/** The canonical CSV as a string (small outputs, tests). */
export function formatCsv(rows: WritableRow[], options: WriteCsvOptions = {}): string {
  const dialect = options.dialect ?? 'intune';
  const columns = options.columns ?? columnsNeeded(rows);
  return [headerLine(dialect, columns), ...rows.map((r) => formatRow(r, dialect, columns))].map((l) => `${l}\r\n`).join('');
}
