// fixCsv: read any Autopilot CSV leniently and write the canonical file that strict mode accepts, to a path
// (atomically) or a Writable. The engine is browser-safe (../fix-core.ts); this adds file and stream sources
// (spooled so they can be read twice) and outputs.
import { fixCsvSource, type FixCsvOptions, type FixCsvResult } from '../fix-core.js';
import type { CsvSource } from '../types.js';
import { rewindable } from './rewindable.js';
import { writeLines } from './write-csv-node.js';
import type { Writable } from 'node:stream';

export { dropReason } from '../fix-core.js';
export type { DroppedRow, FixCsvOptions, FixCsvResult } from '../fix-core.js';

export async function fixCsv(input: CsvSource, output: string | Writable, options: FixCsvOptions = {}): Promise<FixCsvResult> {
  const { source, cleanup } = await rewindable(input);
  try {
    const { written, ...result } = await fixCsvSource(source, (header, writeRows) => writeLines(output, header, writeRows), options);
    return { ...result, output: written ? (typeof output === 'string' ? output : '<stream>') : null };
  } finally {
    await cleanup();
  }
}
