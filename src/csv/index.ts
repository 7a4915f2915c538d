// The Autopilot CSV toolkit: read (streaming), validate, fix, merge and write Autopilot device CSVs. The Node entry
// point: it installs Node's byte primitives and file reader (so path sources work), then exports the browser-safe
// API (browser.ts) plus the file/stream tools in node/.
import '../hash/platform-node.js';
import './node/source-node.js';

export * from './browser.js';
export { fixCsv } from './node/fix-csv.js';
export type { DroppedRow, FixCsvOptions, FixCsvResult } from './node/fix-csv.js';
export { mergeCsv } from './node/merge-csv.js';
export type { MergeCsvOptions, MergeCsvResult, MergeDroppedRow, MergeInputSummary } from './node/merge-csv.js';
export { writeCsv } from './node/write-csv-node.js';
export { validateCsvFile } from './node/validate-parallel.js';
export type { ParallelValidateOptions } from './node/validate-parallel.js';
