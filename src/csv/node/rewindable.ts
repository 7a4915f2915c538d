// Node-only: makes a CSV source readable twice (fixCsv and mergeCsv validate, then write), spooling streams to a
// temporary file.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { byteChunks } from '../source.js';
import type { CsvSource } from '../types.js';

/**
 * A source that can be read twice: paths and buffers as they are; streams are spooled to a temporary file first.
 * Call `cleanup()` when done.
 */
export async function rewindable(source: CsvSource): Promise<{ source: string | Uint8Array; cleanup: () => Promise<void> }> {
  if (typeof source === 'string' || source instanceof Uint8Array) return { source, cleanup: async () => {} };
  const dir = await mkdtemp(path.join(os.tmpdir(), 'tarmac-csv-'));
  const file = path.join(dir, 'input.csv');
  const out = createWriteStream(file);
  for await (const chunk of byteChunks(source)) {
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return { source: file, cleanup: () => rm(dir, { recursive: true, force: true }) };
}
