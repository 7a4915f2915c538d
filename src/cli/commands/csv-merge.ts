// `tarmac csv merge`: one row per device across many files (latest capture wins), with a report of what was dropped.
import { mergeCsv } from '../../csv/index.js';
import { printChanges, printDropped } from '../csv-view.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export async function csvMerge(inputs: string[], opts: { output: string; json?: boolean }): Promise<ExitCode> {
  const out = createOutput();
  const r = await mergeCsv(inputs, opts.output);
  if (opts.json) {
    out.json({
      output: r.output,
      rowsRead: r.rowsRead,
      rowsWritten: r.rowsWritten,
      columns: r.columns,
      inputs: r.inputs.map((i) => ({ file: i.file, encoding: i.encoding?.name ?? null, dialect: i.dialect?.name ?? null, rows: i.rows, written: i.written })),
      dropped: r.dropped,
      changes: r.changes,
    });
  } else {
    out.line(`Wrote ${out.color.bold(r.output)}: ${r.rowsWritten} devices from ${r.rowsRead} rows in ${r.inputs.length} file${r.inputs.length === 1 ? '' : 's'}.`);
    printChanges(out, r.changes);
    printDropped(out, r.dropped);
  }
  // Superseded duplicates are the point of merging; only rows dropped for errors make the exit code 1.
  return r.dropped.some((d) => !d.codes.includes('ZtdDeviceDuplicated')) ? 1 : 0;
}
