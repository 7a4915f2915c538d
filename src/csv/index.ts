// The Autopilot CSV toolkit: read (streaming), validate, fix, merge and write Autopilot device CSVs.

export { validateCsv } from './validate-csv.js';
export { readCsv, CsvReader, INTUNE_MAX_ROWS, PARTNER_MAX_ROWS } from './read-csv.js';
export { fixCsv } from './fix-csv.js';
export type { DroppedRow, FixCsvOptions, FixCsvResult } from './fix-csv.js';
export { mergeCsv } from './merge-csv.js';
export type { MergeCsvOptions, MergeCsvResult, MergeDroppedRow, MergeInputSummary } from './merge-csv.js';
export { writeCsv, formatCsv, formatRow, headerLine, columnsNeeded, toAsciiValue } from './write-csv.js';
export type { IntuneColumns, OutputDialect, WritableRow, WriteCsvOptions } from './write-csv.js';
export type { CsvChange, CsvChangeKind } from './canonical-row.js';
export { DIAGNOSTIC_CODES, formatDiagnostic, severityOf } from './diagnostics.js';
export type { DiagnosticSpec } from './diagnostics.js';
export { decodeBytes, encodingLabel, StreamingTextDecoder } from './encoding.js';
export { INTUNE_HEADER, PARTNER_HEADER, FIELD_LABEL } from './dialect.js';
export { decodeHash } from './codec.js';
export type * from './types.js';
