// Node-only: writing canonical CSVs to a path (atomically, through a temporary file) or a Writable stream. The
// formatting itself (formatRow, headerLine, formatCsv) is browser-safe and lives in ../write-csv.ts.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { columnsNeeded, formatRow, headerLine } from '../write-csv.js';
import type { OutputDialect, WritableRow, WriteCsvOptions } from '../write-csv.js';

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
