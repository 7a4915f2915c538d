// `csv validate` on a generated 100k-row Autopilot CSV (hashes encoded with Tarmac's codec from synthetic devices,
// real-world sizes) against merely reading the same file. Each side runs in its own fresh process so that its peak
// RSS is its own. Target: peak RSS of validation < 200 MB.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import path from 'node:path';
import { encodeHardwareHash, syntheticInventory } from '../src/hash/index.js';
import { benchDir, fmt, recordResult, repoRoot } from './lib.js';

const ROWS = Number(process.env.BENCH_CSV_ROWS ?? 100_000);

async function generate(file: string, rows: number): Promise<void> {
  const out = createWriteStream(file);
  out.write('Device Serial Number,Windows Product ID,Hardware Hash,Group Tag\r\n');
  for (let i = 0; i < rows; i++) {
    const inv = syntheticInventory(i);
    const { base64 } = encodeHardwareHash(inv);
    const serial = inv.system.serialNumber ?? '';
    if (!out.write(`${serial},,${base64},Bench\r\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

interface ChildResult {
  ms: number;
  maxRssMB: number;
  rows: number;
  errors: number;
}

function child(mode: 'read' | 'validate', file: string): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(benchDir, 'csv-child.ts'), mode, file], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`csv bench child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

export async function run(): Promise<void> {
  const dir = path.join(benchDir, 'tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `autopilot-${ROWS}.csv`);
  if (!existsSync(file)) {
    console.log(`generating ${fmt(ROWS)} rows with the codec …`);
    await generate(file, ROWS);
  }
  const sizeMB = statSync(file).size / 2 ** 20;
  console.log(`${path.relative(repoRoot, file)}: ${fmt(sizeMB, 1)} MB`);

  const read = child('read', file);
  const validate = child('validate', file);
  if (validate.rows !== ROWS || validate.errors !== 0) {
    throw new Error(`validation saw ${validate.rows} rows and ${validate.errors} errors; expected ${ROWS} and 0`);
  }
  const readRowsPerSecond = (ROWS * 1000) / read.ms;
  const validateRowsPerSecond = (ROWS * 1000) / validate.ms;
  const result = {
    rows: ROWS,
    fileMB: +sizeMB.toFixed(1),
    baseline: 'stream the file and count line feeds (fs.createReadStream), fresh process',
    read: { ...read, rowsPerSecond: Math.round(readRowsPerSecond) },
    validate: { ...validate, rowsPerSecond: Math.round(validateRowsPerSecond) },
    validateVsReadRatio: +(validateRowsPerSecond / readRowsPerSecond).toFixed(3),
    peakRssTargetMB: 200,
  };
  console.log(
    `read only   ${fmt(read.ms)} ms  ${fmt(readRowsPerSecond)} rows/s  peak RSS ${fmt(read.maxRssMB)} MB\n` +
      `validate    ${fmt(validate.ms)} ms  ${fmt(validateRowsPerSecond)} rows/s  peak RSS ${fmt(validate.maxRssMB)} MB (target < 200)\n` +
      `ratio validate/read ${result.validateVsReadRatio}`,
  );
  console.log(`wrote ${recordResult('csv', result)}`);
}
