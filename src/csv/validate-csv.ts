// validateCsv: read a whole CSV and return every diagnostic, keeping only counts (and, for duplicate detection,
// identity keys → first line) in memory.
import { DiagnosticCollector } from './diagnostics.js';
import { CsvReader } from './read-csv.js';
import type { CsvRecord, CsvSource, ValidateCsvOptions, ValidateCsvResult } from './types.js';

export async function validateCsv(source: CsvSource, options: ValidateCsvOptions = {}): Promise<ValidateCsvResult> {
  const maxWarningsPerCode = options.maxWarningsPerCode ?? 200;
  const collector = new DiagnosticCollector(maxWarningsPerCode);
  const reader = new CsvReader(source, options, collector);
  const records: CsvRecord[] | undefined = options.keepRecords ? [] : undefined;
  let devices = 0;
  for await (const record of reader) {
    if (record.diagnostics.length > 0) collector.addAll(record.diagnostics);
    if (record.valid) devices++;
    if (records) records.push(record);
  }
  // The reader shares the collector: it added the file-level diagnostics and sorted everything when it finished.
  const diagnostics = collector.list;
  const result: ValidateCsvResult = {
    ok: collector.errors === 0,
    strict: reader.strict,
    encoding: reader.encoding,
    lineEndings: reader.lineEndings,
    dialect: reader.dialect,
    lines: reader.lines,
    rows: reader.rows,
    devices,
    errors: collector.errors,
    warnings: collector.warnings,
    diagnostics,
  };
  if (records) result.records = records;
  return result;
}
