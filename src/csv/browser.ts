// The Autopilot CSV toolkit, browser-safe entry point: read (streaming), validate and format Autopilot device CSVs
// from bytes in memory (a Uint8Array, or chunks from a web stream), and fix them into a string (fixCsvText: fixCsv's
// engine). What needs files or Node streams (fixCsv to a path or stream, mergeCsv, writeCsv, path sources) is in node/
// and exported by index.ts only.

export { validateCsv } from './validate-csv.js';
export { fixCsvText } from './fix-core.js';
export type { DroppedRow, FixCsvOptions, FixCsvResult } from './fix-core.js';
export { readCsv, CsvReader, INTUNE_MAX_ROWS, PARTNER_MAX_ROWS } from './read-csv.js';
export { formatCsv, formatRow, headerLine, columnsNeeded, toAsciiValue } from './write-csv.js';
export type { IntuneColumns, OutputDialect, WritableRow, WriteCsvOptions } from './write-csv.js';
export type { CsvChange, CsvChangeKind } from './canonical-row.js';
export { DIAGNOSTIC_CODES, formatDiagnostic, severityOf } from './diagnostics.js';
export type { DiagnosticSpec } from './diagnostics.js';
export { decodeBytes, encodingLabel, StreamingTextDecoder } from './encoding.js';
export { INTUNE_HEADER, PARTNER_HEADER, FIELD_LABEL } from './dialect.js';
export { decodeHash } from './codec.js';
export type * from './types.js';
