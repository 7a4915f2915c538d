// The `tarmac` command. Only commander is loaded at start-up; each command's implementation is imported when it
// runs, so `tarmac --help` stays fast however large the rest of Tarmac grows.
import { Command, CommanderError } from 'commander';

/** Exit codes: 0 ok, 1 the input has errors (validation failed), 2 the command itself could not run. */
export type ExitCode = 0 | 1 | 2;

type Action = (...args: never[]) => Promise<ExitCode>;

export async function main(argv: string[]): Promise<number> {
  let exitCode: number = 0;
  const run =
    <A extends Action>(load: () => Promise<A>) =>
    async (...args: Parameters<A>): Promise<void> => {
      const action = await load();
      exitCode = await action(...args);
    };

  const program = new Command('tarmac')
    .description('Tarmac: a Windows Autopilot device registration service, and the tools around it')
    .version(process.env.npm_package_version ?? '0.1.0', '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  program.configureOutput({ outputError: (str, write) => write(str) });

  const hash = program.command('hash').description('Decode and validate Autopilot hardware hashes (offline)');
  hash
    .command('decode')
    .description('Show everything inside one or more hardware hashes')
    .argument('<input...>', 'CSV file (any Autopilot dialect or encoding), OA3.xml, a file holding base64, raw base64, or - for stdin')
    .option('--json', 'print one JSON array with an object per hash (for scripts)')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac hash decode AutopilotHWID.csv
  $ tarmac hash decode --json OA3.xml AutopilotHWID.csv > devices.json
  $ Get-Clipboard | tarmac hash decode -          (PowerShell, or pbpaste/xclip elsewhere)
  $ tarmac hash decode T0FjBAEAHAAAAAoA...`,
    )
    .action(run(async () => (await import('./commands/hash-decode.js')).hashDecode));
  hash
    .command('validate')
    .description('Check hashes: base64, OA header, record walk, SHA-256 trailer, padding. Exit 0 only when all are valid')
    .argument('<input...>', 'CSV file, OA3.xml, a file holding base64, raw base64, or - for stdin')
    .option('--json', 'print the results as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac hash validate AutopilotHWID.csv
  $ tarmac hash validate --json devices/*.csv`,
    )
    .action(run(async () => (await import('./commands/hash-validate.js')).hashValidate));

  const csv = program.command('csv').description('Validate, repair and merge Autopilot device CSV files (offline)');
  csv
    .command('validate')
    .description('Report every problem in an Autopilot CSV, by line. Exit 0 when there are no errors')
    .argument('<file>', 'the CSV (UTF-16, UTF-8 or windows-1252; Intune, partner or Configuration Manager dialect), or - for stdin')
    .option('--strict', "apply Intune's own rules exactly (exact header, no quotes, ANSI only, at most 500 rows)")
    .option('--json', 'print {rows, devices, diagnostics} as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac csv validate AutopilotHWID.csv
  $ tarmac csv validate --strict --json upload.csv | jq '.diagnostics[] | select(.severity=="error")'`,
    )
    .action(run(async () => (await import('./commands/csv-validate.js')).csvValidate));
  csv
    .command('fix')
    .description('Write a canonical CSV that Intune accepts (ASCII, CRLF, exact header, no quotes) and list what changed')
    .argument('<in>', 'the CSV to repair')
    .requiredOption('-o, --output <out>', 'where to write the repaired CSV')
    .option('--json', 'print the changes as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac csv fix "AutopilotHWID (from Excel).csv" -o upload.csv`,
    )
    .action(run(async () => (await import('./commands/csv-fix.js')).csvFix));
  csv
    .command('merge')
    .description('Merge CSVs into one, keeping one row per device (latest capture wins), and report what was dropped')
    .argument('<in...>', 'the CSVs to merge')
    .requiredOption('-o, --output <out>', 'where to write the merged CSV')
    .option('--json', 'print the report as JSON')
    .addHelpText(
      'after',
      `
Examples:
  $ tarmac csv merge hashes/*.csv -o all-devices.csv`,
    )
    .action(run(async () => (await import('./commands/csv-merge.js')).csvMerge));

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors with 1 -> report 2 (the command could not run).
      return err.exitCode === 0 ? 0 : 2;
    }
    throw err;
  }
  return exitCode;
}
