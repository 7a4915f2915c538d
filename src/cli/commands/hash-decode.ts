// `tarmac hash decode`: everything inside one or more hardware hashes.
import type { ExitCode } from '../command-kit.js';
import { readHashInputs } from '../hash-inputs.js';
import { hashSummary, printInventory, printStatus } from '../hash-view.js';
import { createOutput } from '../output.js';

export async function hashDecode(inputs: string[], opts: { json?: boolean }): Promise<ExitCode> {
  const out = createOutput();
  const results: Record<string, unknown>[] = [];
  let failed = false;
  let first = true;
  for await (const item of readHashInputs(inputs)) {
    if (!('decoded' in item)) {
      out.error(`${item.source}: ${item.message}`);
      failed = true;
      continue;
    }
    if (!item.decoded.valid) failed = true;
    if (opts.json) {
      results.push(hashSummary(item));
      continue;
    }
    if (!first) out.line();
    first = false;
    printStatus(out, item);
    printInventory(out, item.decoded);
  }
  if (opts.json) out.json(results);
  return failed ? 1 : 0;
}
