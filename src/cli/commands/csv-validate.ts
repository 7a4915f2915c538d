// `tarmac csv validate`: every problem in an Autopilot CSV, by line; exit 0 when there are no errors. A file is
// checked on every core (validateCsvFile: the same result as validateCsv, which reads stdin).
import { encodingLabel, validateCsv, validateCsvFile } from '../../csv/index.js';
import { printDiagnostics } from '../csv-view.js';
import type { ExitCode } from '../command-kit.js';
import { createOutput } from '../output.js';

export async function csvValidate(file: string, opts: { strict?: boolean; json?: boolean; threads?: string }): Promise<ExitCode> {
  const out = createOutput();
  const threads = opts.threads === undefined ? undefined : Number(opts.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) {
    out.error(`--threads must be a whole number of at least 1 (got "${opts.threads}").`);
    return 2;
  }
  const strict = Boolean(opts.strict);
  const r = file === '-' ? await validateCsv(process.stdin, { strict }) : await validateCsvFile(file, { strict, threads });
  if (opts.json) {
    out.json({
      file,
      mode: r.strict ? 'strict' : 'lenient',
      ok: r.ok,
      encoding: r.encoding?.name ?? null,
      dialect: r.dialect?.name ?? null,
      rows: r.rows,
      devices: r.devices,
      errors: r.errors,
      warnings: r.warnings,
      diagnostics: r.diagnostics.map((d) => ({ line: d.line, column: d.column, code: d.code, severity: d.severity, message: d.message, hint: d.hint })),
    });
    return r.ok ? 0 : 1;
  }
  const what = [r.encoding && encodingLabel(r.encoding), r.dialect && `${r.dialect.name} header`, r.strict ? 'strict' : 'lenient'].filter(Boolean).join(', ');
  out.line(`${out.color.bold(file)}: ${what}`);
  printDiagnostics(out, r.diagnostics);
  const verdict = `${r.rows} row${r.rows === 1 ? '' : 's'}, ${r.devices} device${r.devices === 1 ? '' : 's'}, ${r.errors} error${r.errors === 1 ? '' : 's'}, ${r.warnings} warning${r.warnings === 1 ? '' : 's'}`;
  out.line(r.ok ? out.color.green(`OK: ${verdict}`) : out.color.red(`Not importable as is: ${verdict}`));
  if (!r.ok && !r.strict) out.line(out.color.dim(`Run \`tarmac csv fix ${file} -o fixed.csv\` to write a clean file without the bad rows.`));
  return r.ok ? 0 : 1;
}
