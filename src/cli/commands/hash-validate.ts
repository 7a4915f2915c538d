// `tarmac hash validate`: exit 0 when every hash is valid, 1 otherwise, with the reasons.
import type { ExitCode } from '../command-kit.js';
import { readHashInputs } from '../hash-inputs.js';
import { printStatus } from '../hash-view.js';
import { createOutput } from '../output.js';

export async function hashValidate(inputs: string[], opts: { json?: boolean }): Promise<ExitCode> {
  const out = createOutput();
  const results: { source: string; valid: boolean; paddingFixed?: boolean; issues?: unknown[]; error?: string }[] = [];
  let valid = 0;
  let invalid = 0;
  for await (const item of readHashInputs(inputs)) {
    if (!('decoded' in item)) {
      invalid++;
      if (opts.json) results.push({ source: item.source, valid: false, error: item.message });
      else out.error(`${item.source}: ${item.message}`);
      continue;
    }
    const d = item.decoded;
    if (d.valid) valid++;
    else invalid++;
    if (opts.json) results.push({ source: item.source, valid: d.valid, paddingFixed: d.paddingFixed, issues: d.issues });
    else printStatus(out, item);
  }
  if (opts.json) out.json(results);
  else out.line(`${valid} valid, ${invalid} invalid`);
  return invalid > 0 || valid === 0 ? 1 : 0;
}
