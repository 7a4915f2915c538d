// `csv validate` on a generated 100k-row Autopilot CSV (hashes encoded with Tarmac's codec from synthetic devices,
// real-world sizes) against merely reading the same file, on one thread and on every core (worker threads,
// validateCsvFile from the compiled dist/, as `tarmac csv validate` runs it). Each side runs in its own fresh
// process so that its peak RSS is its own (for the workers' run: all threads together); the three alternate, three
// times each, and the medians are kept (peak RSS: the largest), since other processes share the CPU (the load
// average is recorded).
// Targets (issue 11): validate on every core >= 0.4 of the read's rows/s, peak RSS < 200 MB.
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
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
  /** CPU time of the child over the measured part (all threads: the workers' start-up included). */
  cpuMs: number;
  maxRssMB: number;
  rows: number;
  errors: number;
}

// One side of the comparison, in a fresh plain-Node process (no TypeScript loader, whose thread would add its own
// memory): `read` streams the file and counts line feeds (the baseline); `validate` runs what `tarmac csv validate
// <file>` runs (validateCsvFile from the compiled dist/, as the CLI does, so worker threads load plain JavaScript).
// It prints time, CPU time of every thread over the measured part, peak RSS and counts.
const CHILD = `
import { createReadStream } from 'node:fs';
const [mode, file, threads, dist] = process.argv.slice(1);
const validateCsvFile = mode === 'validate' ? (await import(dist)).validateCsvFile : null;
const start = performance.now();
const startCpu = process.cpuUsage();
let rows = 0;
let errors = 0;
if (mode === 'read') {
  for await (const buf of createReadStream(file, { highWaterMark: 1 << 16 })) {
    for (let i = buf.indexOf(10); i !== -1; i = buf.indexOf(10, i + 1)) rows++;
  }
  rows -= 1;
} else {
  const r = await validateCsvFile(file, { strict: false, threads: Number(threads) });
  rows = r.rows;
  errors = r.errors;
}
const ms = performance.now() - start;
const cpu = process.cpuUsage(startCpu);
console.log(JSON.stringify({ ms: Math.round(ms), cpuMs: Math.round((cpu.user + cpu.system) / 1000), maxRssMB: Math.round(process.resourceUsage().maxRSS / 1024), rows, errors }));
`;

function child(mode: 'read' | 'validate', file: string, threads = 0): ChildResult {
  const dist = pathToFileURL(path.join(repoRoot, 'dist/csv/node/validate-parallel.js')).href;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, mode, file, String(threads), dist], {
    cwd: repoRoot,
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`csv bench child (${mode}) failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

/** The newest modification time of the .ts files under `dir`. */
function newestSource(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && e.name.endsWith('.ts')) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
  }
  return newest;
}

function medianOf(runs: ChildResult[]): ChildResult {
  const sorted = [...runs].sort((x, y) => x.ms - y.ms);
  return { ...sorted[Math.floor(sorted.length / 2)], maxRssMB: Math.max(...runs.map((r) => r.maxRssMB)) };
}

export async function run(): Promise<void> {
  const built = path.join(repoRoot, 'dist/csv/node/validate-parallel.js');
  const stale = !existsSync(built) || statSync(built).mtimeMs < Math.max(newestSource(path.join(repoRoot, 'src/csv')), newestSource(path.join(repoRoot, 'src/hash')));
  if (stale) throw new Error('dist/ is older than src/csv or src/hash: run `npm run build` first (the bench runs the compiled CLI code).');
  const dir = path.join(benchDir, 'tmp');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `autopilot-${ROWS}.csv`);
  if (!existsSync(file)) {
    console.log(`generating ${fmt(ROWS)} rows with the codec …`);
    await generate(file, ROWS);
  }
  const sizeMB = statSync(file).size / 2 ** 20;
  console.log(`${path.relative(repoRoot, file)}: ${fmt(sizeMB, 1)} MB`);

  const threads = os.availableParallelism();
  const loadBefore = os.loadavg();
  const reads: ChildResult[] = [];
  const ones: ChildResult[] = [];
  const alls: ChildResult[] = [];
  for (let i = 0; i < 3; i++) {
    reads.push(child('read', file));
    ones.push(child('validate', file, 1));
    alls.push(child('validate', file, threads));
  }
  const loadAfter = os.loadavg();
  for (const v of [...ones, ...alls]) {
    if (v.rows !== ROWS || v.errors !== 0) throw new Error(`validation saw ${v.rows} rows and ${v.errors} errors; expected ${ROWS} and 0`);
  }
  const read = medianOf(reads);
  const one = medianOf(ones);
  const all = medianOf(alls);
  const perSecond = (r: ChildResult): number => Math.round((ROWS * 1000) / r.ms);
  const result = {
    rows: ROWS,
    fileMB: +sizeMB.toFixed(1),
    baseline: 'stream the file and count line feeds (fs.createReadStream), fresh process',
    measured: 'validateCsvFile (what tarmac csv validate <file> runs), compiled dist/, fresh process; median of 3 runs each, alternating',
    threads,
    loadAverage: { before: loadBefore.map((x) => +x.toFixed(2)), after: loadAfter.map((x) => +x.toFixed(2)) },
    read: { ...read, rowsPerSecond: perSecond(read) },
    validateOneThread: { ...one, threads: 1, rowsPerSecond: perSecond(one), ratioToRead: +(read.ms / one.ms).toFixed(3) },
    validateAllThreads: { ...all, threads, rowsPerSecond: perSecond(all), ratioToRead: +(read.ms / all.ms).toFixed(3) },
    speedupAllVsOne: +(one.ms / all.ms).toFixed(2),
    // The same comparison in CPU time, which other processes do not inflate: the read's CPU time against the
    // validation's spread over the cores (the best an idle machine could do).
    cpuBound: {
      validateAllThreadsMs: Math.round(all.cpuMs / threads),
      ratioToRead: +(read.cpuMs / (all.cpuMs / threads)).toFixed(3),
      oneThreadRatioToRead: +(read.cpuMs / one.cpuMs).toFixed(3),
    },
    validateVsReadRatio: +(read.ms / all.ms).toFixed(3),
    target: { validateVsReadRatio: 0.4, peakRssMB: 200 },
    runs: { read: reads.map((r) => r.ms), validateOneThread: ones.map((r) => r.ms), validateAllThreads: alls.map((r) => r.ms) },
  };
  console.log(
    `read only        ${fmt(read.ms)} ms  ${fmt(perSecond(read))} rows/s  peak RSS ${fmt(read.maxRssMB)} MB\n` +
      `validate 1 thread  ${fmt(one.ms)} ms  ${fmt(perSecond(one))} rows/s  peak RSS ${fmt(one.maxRssMB)} MB  ratio ${result.validateOneThread.ratioToRead}\n` +
      `validate ${threads} threads ${fmt(all.ms)} ms  ${fmt(perSecond(all))} rows/s  peak RSS ${fmt(all.maxRssMB)} MB (target < 200)  ratio ${result.validateAllThreads.ratioToRead} (target >= 0.4)\n` +
      `CPU time: read ${fmt(read.cpuMs)} ms, 1 thread ${fmt(one.cpuMs)} ms, ${threads} threads ${fmt(all.cpuMs)} ms (all threads): ` +
      `on an idle machine at best ratio ${result.cpuBound.ratioToRead}\n` +
      `speed-up ${threads} threads vs 1: ${result.speedupAllVsOne}x   load average ${loadBefore.map((x) => x.toFixed(2)).join(' ')} -> ${loadAfter.map((x) => x.toFixed(2)).join(' ')}`,
  );
  console.log(`wrote ${recordResult('csv', result)}`);
}
