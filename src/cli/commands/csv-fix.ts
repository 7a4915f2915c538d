// `tarmac csv fix`: write the canonical file Intune accepts and say what changed.
import { fixCsv } from '../../csv/index.js';
import { printChanges, printDropped } from '../csv-view.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export async function csvFix(input: string, opts: { output: string; json?: boolean }): Promise<ExitCode> {
  const out = createOutput();
  const r = await fixCsv(input === '-' ? process.stdin : input, opts.output);
  if (opts.json) {
    out.json({
      input,
      output: r.output,
      rowsRead: r.rowsRead,
      rowsWritten: r.rowsWritten,
      columns: r.columns,
      changes: r.changes,
      dropped: r.dropped,
    });
  } else if (r.output === null) {
    out.error(`Nothing written: ${r.diagnostics.find((d) => d.severity === 'error')?.message ?? 'no Autopilot header found'}`);
  } else {
    out.line(`Wrote ${out.color.bold(r.output)}: ${r.rowsWritten} of ${r.rowsRead} rows, ${r.columns} columns.`);
    printChanges(out, r.changes);
    printDropped(out, r.dropped);
  }
  // Exit 1 when rows had to be left out: the output is clean, but not everything made it.
  return r.output === null ? 1 : r.dropped.length > 0 ? 1 : 0;
}
